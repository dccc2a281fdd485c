"""Every response carries a Content-Security-Policy that runs no inline script: an injected <script> or onclick=
does nothing. That the pages keep to it is checked in the browser (tests/e2e/test_content_security_policy.py)."""

import pytest
from django.urls import reverse

from tests.orgs.test_pages import login


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login"), reverse("tips:file"), reverse("tips:status")])
def test_a_page_anyone_reaches_refuses_inline_scripts_and_framing(client, db, url):
    policy = directives(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]


def test_a_signed_in_page_carries_the_same_policy(client, tree):
    login(client, tree.user("staff"))
    policy = directives(client.get(reverse("home")))
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
