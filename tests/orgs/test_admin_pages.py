"""Every page of the admin opens for the superuser, and its delete confirmations count clue data instead of naming it:
an administrator sees clue data only through a membership."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count
from django.urls import URLPattern, reverse

from ledger.models import Clue, Entity
from orgs.admin_deletion import CountsOnlyDeletionMixin
from orgs.models import Membership, User

# POST-only steps of django-import-export's two-step import: their GET answers 405 by design.
POST_ONLY = {"process_import"}


@pytest.fixture
def demo(db, debug_on, client):
    call_command("load_demo", stdout=StringIO())
    Group.objects.create(name="审计组")
    client.post(reverse("login"), {"username": "township_staff", "password": "Demo@2026"})
    client.logout()
    client.post(reverse("login"), {"username": "county_office", "password": "wrong-password-1"})


def clue_author() -> User:
    most = Clue.objects.values("created_by").annotate(clues=Count("id")).order_by("-clues").first()
    return User.objects.get(pk=most["created_by"])


def an_object_of(model):
    chosen = {User: clue_author, Membership: lambda: Membership.objects.filter(user=clue_author()).first()}
    return chosen.get(model, model.objects.first)()


def pages(model_admin, obj):
    """(name, url) of every page the model's admin serves, for ``obj`` where the page is about one object."""
    for pattern in model_admin.urls:
        if not isinstance(pattern, URLPattern) or not pattern.name or pattern.name.endswith(tuple(POST_ONLY)):
            continue
        takes_object = "object_id" in pattern.pattern.regex.groupindex or "id" in pattern.pattern.regex.groupindex
        arguments = [obj.pk] if takes_object else []
        yield pattern.name, reverse(f"admin:{pattern.name}", args=arguments)


def refused_by_design(model_admin, name: str, request) -> bool:
    if name.endswith("_add"):
        return not model_admin.has_add_permission(request)
    if name.endswith("_delete"):
        return not model_admin.has_delete_permission(request)
    return False


def clue_entity_names() -> set[str]:
    return set(Entity.objects.filter(clues__isnull=False).values_list("name", flat=True))


def test_every_admin_page_opens_for_the_superuser(client, demo):
    superuser = User.objects.get(username="admin")
    client.force_login(superuser)
    request = client.get(reverse("admin:index")).wsgi_request
    opened = []
    for model, model_admin in admin.site._registry.items():
        obj = an_object_of(model)
        assert obj is not None, f"the demo has no {model._meta.label}"
        for name, url in pages(model_admin, obj):
            status = client.get(url).status_code
            expected = {403} if refused_by_design(model_admin, name, request) else {200, 302}
            assert status in expected, f"{url} answered {status}"
            opened.append(name)
    assert {"orgs_user_delete", "orgs_user_history", "orgs_unit_import", "axes_accessattempt_change"} <= set(opened)


def test_delete_confirmations_count_clues_but_never_name_them(client, demo):
    client.force_login(User.objects.get(username="admin"))
    names = clue_entity_names()
    author = clue_author()
    clues = Clue.objects.filter(created_by=author).count()
    assert names and clues
    confirmations = []
    for model, model_admin in admin.site._registry.items():
        obj = an_object_of(model)
        if not model_admin.has_delete_permission(client.get(reverse("admin:index")).wsgi_request):
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        single = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk]))
        bulk = client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk]})
        for page in (single, bulk):
            assert page.status_code == 200
            confirmations.append((model, page.content.decode()))
    for model, page in confirmations:
        leaked = [name for name in names if name in page]
        assert not leaked, f"the delete confirmation of a {model._meta.label} names clues of {leaked}"
    user_pages = [page for model, page in confirmations if model is User]
    assert len(user_pages) == 2
    assert all(f"风险线索: {clues}" in page for page in user_pages)


def test_every_registered_admin_counts_instead_of_naming():
    plain = [model._meta.label for model, model_admin in admin.site._registry.items()
             if not isinstance(model_admin, CountsOnlyDeletionMixin)]
    assert plain == []


def test_the_superuser_can_still_delete_what_nothing_protects(client, demo):
    client.force_login(User.objects.get(username="admin"))
    group = Group.objects.get(name="审计组")
    client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert not Group.objects.filter(pk=group.pk).exists()
