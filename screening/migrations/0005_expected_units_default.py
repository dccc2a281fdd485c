"""Campaigns that existed before the list of units expected to report get the default list.

The rule is restated here rather than imported from screening.selectors: a migration must keep doing what it did when
it was written, whatever the selector becomes.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


def fill_default_lists(apps, schema_editor):
    Campaign = apps.get_model("screening", "Campaign")
    ExpectedUnit = apps.get_model("screening", "ExpectedUnit")
    HistoricalExpectedUnit = apps.get_model("screening", "HistoricalExpectedUnit")
    Unit = apps.get_model("orgs", "Unit")
    GroupMember = apps.get_model("orgs", "LeadingGroup").members.through
    now = timezone.now()
    for campaign in Campaign.objects.select_related("scope_unit").exclude(Exists(
        ExpectedUnit.objects.filter(campaign=OuterRef("pk"))
    )):
        scope = campaign.scope_unit.path
        member = GroupMember.objects.filter(unit=OuterRef("pk"), leadinggroup__government__path__startswith=scope)
        units = Unit.objects.filter(
            Q(level="township", kind="government") | Q(Exists(member), kind="department"),
            path__startswith=scope, is_active=True,
        ).exclude(leading_group__isnull=False)
        created = ExpectedUnit.objects.bulk_create(ExpectedUnit(campaign=campaign, unit=unit) for unit in units)
        HistoricalExpectedUnit.objects.bulk_create(
            HistoricalExpectedUnit(id=row.pk, campaign_id=campaign.pk, unit_id=row.unit_id, history_date=now,
                                   history_type="+", history_change_reason="default list")
            for row in created
        )


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0002_notification"),
        ("screening", "0004_expected_units"),
    ]

    operations = [migrations.RunPython(fill_default_lists, migrations.RunPython.noop)]
