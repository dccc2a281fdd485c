from datetime import date

from screening import services
from screening.models import Campaign, Phase, Responsibility, Term


def snapshot(campaign):
    return (
        list(campaign.phases.values_list("kind", "name", "start", "end", "deadline")),
        list(campaign.terms.values_list("vocabulary", "name", "parent__name", "order", "is_retired")),
        list(campaign.responsibilities.values_list("sector__name", "unit__code")),
        Campaign.objects.filter(pk=campaign.pk).values().get(),
    )


def test_copying_to_a_new_year_moves_the_dates_and_clones_the_taxonomy(campaign, tree):
    lending = Term.objects.get(campaign=campaign, name="网络借贷平台")
    Responsibility.objects.create(campaign=campaign, sector=lending, unit=tree.unit("department"))
    before = snapshot(campaign)
    copy = services.campaign_copy(
        actor=tree.user("admin"), source=campaign, title="2019年常态化排查", slug="c2019", year=2019
    )
    assert snapshot(campaign) == before
    assert copy.status == Campaign.Status.DRAFT and copy.year == 2019
    screening = copy.phases.get(kind=Phase.Kind.SCREENING)
    assert (screening.start, screening.deadline) == (date(2019, 5, 11), date(2019, 7, 30))
    assert copy.terms.count() == campaign.terms.count()
    copied_lending = copy.terms.get(name="网络借贷平台")
    assert copied_lending.parent.campaign == copy and copied_lending.parent.name == "互联网金融行业企业"
    assert copy.responsibilities.get().sector == copied_lending


def test_copying_by_a_number_of_days(campaign, tree):
    copy = services.campaign_copy(
        actor=tree.user("admin"), source=campaign, title="补充排查", slug="extra", year=2018, shift_days=10
    )
    assert copy.phases.get(kind=Phase.Kind.SCREENING).deadline == date(2018, 8, 9)


def test_29_february_moves_to_28_february():
    assert services.move_to_year(date(2024, 2, 29), 2025) == date(2025, 2, 28)
