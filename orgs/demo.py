"""The demo organisation of fixtures/demo_org.json: a city, four counties, one county built out from seed 000."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import CoordinationGroup, LeadingGroup, LeadingGroupPost, Unit

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_org.json"
# Only with DEBUG on: every account shares it, and the README prints it.
DEMO_PASSWORD = "Demo@2026"

User = get_user_model()


def demo_usernames(path: Path = DEMO_FILE) -> list[str]:
    return [row["username"] for row in json.loads(path.read_text(encoding="utf-8"))["users"]]


@transaction.atomic
def load_organisation(passwords: dict[str, str], path: Path = DEMO_FILE) -> list[tuple[str, str, str, str]]:
    """Create or update the demo units, leading groups and users, each user with their password in ``passwords``;
    returns (username, name, unit, role) rows."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for root in data["units"]:
        _save_subtree(root, parent=None)
    units = {unit.code: unit for unit in Unit.objects.all()}
    for group in data["leading_groups"]:
        _save_leading_group(group, units)
    accounts = []
    for row in data["users"]:
        user = _save_user(row, passwords[row["username"]])
        membership = services.membership_set(actor=None, user=user, unit=units[row["unit"]], role=row["role"])
        accounts.append((user.username, user.full_name, membership.unit.name, membership.get_role_display()))
    for row in data["extra_memberships"]:
        user = User.objects.get(username=row["username"])
        services.membership_set(actor=None, user=user, unit=units[row["unit"]], role=row["role"])
    return accounts


def _save_subtree(node: dict, parent: Unit | None) -> None:
    unit = Unit.objects.filter(code=node["code"]).first() or Unit(code=node["code"])
    unit.name, unit.level, unit.kind, unit.parent = node["name"], node["level"], node["kind"], parent
    services.unit_save(actor=None, unit=unit)
    for child in node["children"]:
        _save_subtree(child, parent=unit)


def _save_leading_group(row: dict, units: dict[str, Unit]) -> None:
    group, _created = LeadingGroup.objects.update_or_create(
        government=units[row["government"]],
        defaults={
            "office": units[row["office"]],
            "office_location": row["office_location"],
            "office_director": row["office_director"],
        },
    )
    group.members.set([units[code] for code in row["members"]])
    group.posts.all().delete()
    LeadingGroupPost.objects.bulk_create(
        LeadingGroupPost(group=group, post=post, person_name=name, title=title, order=order)
        for order, (post, name, title) in enumerate(row["posts"])
    )
    for order, (name, lead_codes) in enumerate(row["coordination_groups"]):
        coordination, _created = CoordinationGroup.objects.update_or_create(
            group=group, name=name, defaults={"order": order}
        )
        coordination.lead_units.set([units[code] for code in lead_codes])


def _save_user(row: dict, password: str):
    user = User.objects.filter(username=row["username"]).first() or User(username=row["username"])
    user.full_name, user.phone = row["full_name"], row.get("phone", "")
    user.is_superuser = row["role"] == "admin" and row["unit"] == "120000"
    return services.user_save(actor=None, user=user, password=password)
