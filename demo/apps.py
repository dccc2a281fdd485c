"""The demo: ``load_demo`` builds it from every app's demo.py. The one app allowed to import all the others; no app
imports it."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
