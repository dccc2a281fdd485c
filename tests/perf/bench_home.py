"""The office's home page at volume (issue 14 part 1, measured as issue 12 measures pages): the county office's and
the city office's dashboard of the campaign, through the Django test Client logged in, against a bare baseline that
computes the same figures by hand: the problem institutions and amounts per sector and per behaviour (what its charts
show of attachment 1, the tables received from units beneath included), the queue's size and age, the overdue disposals, the totals, the clues per unit beneath and per risk level, and the
previous campaign's totals. The two must agree on the totals and on each sector's institutions. Run by
tests/perf/run.py."""

from django.db import connection
from django.db.models import Count, Min, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger.models import Clue
from orgs.models import Unit, User
from reports import dashboard, tables
from reports.models import ReceivedRow
from review.models import Disposal
from screening.locks import today_local
from screening.models import Campaign, Term
from tests.perf.timing import Province, Result, alternate, rendered_as_in_production

TARGET_RATIO = 2.0


def measurements(province: Province) -> list[Result]:
    campaign = Campaign.objects.get(slug=province.campaign_slug)
    results = []
    for who, username, code in (("county", province.county_office, province.county_code),
                                ("city", province.city_office, province.city_code)):
        client = Client(SERVER_NAME="localhost")  # an allowed host outside the test environment too
        client.force_login(User.objects.get(username=username))
        results.append(_measure(client, who, campaign, Unit.objects.get(code=code)))
    return results


def _measure(client: Client, who: str, campaign: Campaign, unit: Unit) -> Result:
    url = reverse("home") + f"?campaign={campaign.slug}&unit={unit.pk}"
    today = today_local()
    before = dashboard.previous_campaign(campaign)

    def project():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def baseline():
        clues = tables.counted_clues(campaign, unit)
        figures = {key: dict(clues.filter(**{f"{key}__isnull": False}).values_list(key)
                             .annotate(n=Count("entity", distinct=True), amount=Sum("amount_involved"))
                             .values_list(key, "n").order_by())
                   for key in ("sector", "behaviours")}
        # The tables received from units beneath add their institutions to their terms' bars (issue 15).
        received = ReceivedRow.objects.filter(received__campaign=campaign, received__attachment=1,
                                              received__unit__path__startswith=unit.path)
        for term, vocabulary, n in received.values_list("term", "term__vocabulary", "problem_count"):
            block = figures["sector" if vocabulary == Term.Vocabulary.SECTOR else "behaviours"]
            block[term] = block.get(term, 0) + n
        totals = clues.aggregate(n=Count("pk"), amount=Sum("amount_involved"))
        queue = Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path,
                                    status=Clue.Status.SUBMITTED).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
        overdue = Disposal.objects.overdue(today).filter(clue__campaign=campaign,
                                                         clue__unit__path__startswith=unit.path).count()
        by_unit = list(clues.values_list("unit_id").annotate(n=Count("pk")).order_by())
        by_level = list(clues.values_list("assessment__computed_level").annotate(n=Count("pk")).order_by())
        previous = before and tables.counted_clues(before, unit).aggregate(n=Count("pk"))
        return figures, totals, queue, overdue, by_unit, by_level, previous

    project()  # warm: templates, translations, the session
    with rendered_as_in_production():
        project_time, baseline_time, _response, expected = alternate(project, baseline, repeat=3)
    _check_agreement(project().context["figures"], expected, url)
    with CaptureQueriesContext(connection) as captured:
        project()
    work = f"home page · {who} office · dashboard"
    print(f"{work}: {project_time * 1000:.0f} ms, {len(captured)} queries")
    return Result(work, project_time, baseline_time, TARGET_RATIO, queries=len(captured),
                  note=f"{expected[1]['n']} clues counted")


def _check_agreement(figures, expected, url: str) -> None:
    per_term, totals, queue, overdue, *_ = expected
    assert (figures.totals.clues, figures.totals.amount) == (totals["n"], totals["amount"] or 0), url
    assert (figures.queue_size, figures.overdue_disposals) == (queue["n"], overdue), url
    by_sector = {bar.term_id: bar.count for bar in figures.by_sector}
    assert by_sector == {term: n for term, n in per_term["sector"].items() if n}, f"{url}: sectors differ"
    by_behaviour = {bar.term_id: bar.count for bar in figures.by_behaviour}
    assert by_behaviour == {term: n for term, n in per_term["behaviours"].items() if n}, f"{url}: behaviours differ"
