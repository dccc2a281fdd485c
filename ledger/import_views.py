"""STUB: replaced by the helper that builds these views."""
from django.http import HttpResponse


def ledger_export(request, *args, **kwargs):
    return HttpResponse(status=501)


def template_download(request, *args, **kwargs):
    return HttpResponse(status=501)


def import_upload(request, *args, **kwargs):
    return HttpResponse(status=501)


def import_confirm(request, *args, **kwargs):
    return HttpResponse(status=501)
