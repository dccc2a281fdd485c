from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from screening import services
from screening.models import Campaign, Phase


def test_a_phase_table_edit_is_saved_whole_or_not_at_all(campaign, tree):
    mobilisation, screening = campaign.phases.all()
    screening.deadline = date(2018, 8, 5)
    bad = Phase(kind=Phase.Kind.SUMMARY, start=date(2018, 8, 10), end=date(2018, 8, 1), deadline=date(2018, 8, 10))
    with pytest.raises(ValidationError):
        services.phases_save(actor=tree.user("admin"), campaign=campaign, saved=[screening, bad], deleted=[mobilisation])
    assert list(campaign.phases.values_list("deadline", flat=True)) == [date(2018, 5, 10), date(2018, 7, 30)]


def test_a_phase_of_another_campaign_is_refused(campaign, tree):
    other = Campaign.objects.create(
        title="另一活动", slug="other", year=2018, issuing_unit=campaign.issuing_unit, scope_unit=campaign.scope_unit
    )
    with pytest.raises(ValidationError):
        services.phases_save(actor=tree.user("admin"), campaign=other, saved=[], deleted=list(campaign.phases.all()))
    assert campaign.phases.count() == 2


def test_staff_cannot_edit_phases(campaign, tree):
    with pytest.raises(PermissionDenied):
        services.phases_save(actor=tree.user("staff"), campaign=campaign, saved=[], deleted=list(campaign.phases.all()))
    assert campaign.phases.count() == 2
