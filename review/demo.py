"""The office's side of the demo: the county office reviews the clues that ledger/demo.py has just entered (a merge,
two ratings, a key clue, two disposal plans, a return, a notice to 武清区), the city office names the counties of a
joint case, and 钰华街道 hands in a zero report. Through the services, as users would.

Given no clues (the ledger's demo was loaded before), it does nothing, so load_demo can run again."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from ledger import credit
from ledger.models import Clue
from orgs.models import Unit
from screening.locks import today_local
from screening.models import Term

from . import services, submissions
from .services import DisposalPlan, Scores

User = get_user_model()


@transaction.atomic
def load_review(clues: list[Clue]) -> None:
    """``clues``: as ``ledger.demo.load_ledger`` returns them."""
    if not clues:
        return
    campaign = clues[0].campaign
    terms = {(t.vocabulary, t.name): t for t in Term.objects.filter(campaign=campaign)}
    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    _review(campaign, clues, users["county_office"], units, terms)
    _across_counties(clues, users, units)
    # 钰华街道 found nothing and hands in a zero report, waiting for the county office's approval.
    submissions.submission_declare(actor=users["multi_staff"], campaign=campaign, unit=units["120115002"])


def _review(campaign, clues, office, units, terms) -> None:
    first, second, third, duplicate, _fifth = clues
    services.clues_merge(actor=office, keep=first, duplicate=duplicate, reason="同一市场主体，由街道与市场监管局分别报送")
    for clue, scores in ((first, Scores(5, 4, 3, 3)), (second, Scores(3, 2, 2, 3))):
        services.clue_accept(actor=office, clue=clue)
        services.clue_rate(actor=office, clue=clue, scores=scores)
    services.clue_mark_key(actor=office, clue=first, is_key=True, reason="涉众人数多、未兑付金额大")
    services.disposal_save(actor=office, clue=first, plan=DisposalPlan(
        responsible_unit=units["120115-D27"], track="clean_up", stage="under_way",
        measures=[terms[("measure", "警示约谈")], terms[("measure", "规范整改")]],
        deadline=today_local(), refund_status="refunding", refunded_share=Decimal("35.00"),
        handling_result="停业整改", notices={"河北省": 2},
    ))
    services.progress_add(actor=office, clue=first, on=today_local(), text="已约谈法定代表人，责令停止宣传并制定清退方案。")
    services.disposal_save(actor=office, clue=second, plan=DisposalPlan(
        responsible_unit=units["120115-D11"], track="rectify", measures=[terms[("measure", "规范整改")]],
    ))
    services.clue_return(actor=office, clue=third, reason="请补充法定代表人和经营地址")
    # The office puts the first clue's entity on the watch list: its records and clues elsewhere are then hits.
    credit.watch_list_add(actor=office, unit=first.unit, entity=first.entity,
                          reason="涉嫌非法吸收公众存款，已约谈法定代表人并责令清退")


def _across_counties(clues, users, units) -> None:
    """宝坻区 notifies 武清区 of the second clue, which 武清区 has not acknowledged yet; the city names 宝坻区 the lead and
    武清区 the assisting county of a case on the first clue."""
    first, second = clues[0], clues[1]
    services.notice_send(actor=users["county_office"], clue=second, to_county=units["120114"],
                         note="该主体在武清区设有经营网点，请核查当地经营情况。")
    services.case_open(actor=users["city_office"], city=units["120000"], title="宝坻、武清两区涉嫌非法集资案",
                       description="宝坻区牵头研判并制定处置方案，武清区配合核查经营网点和参与人情况。",
                       lead=units["120115"], assisting=[units["120114"]], clues=[first])
