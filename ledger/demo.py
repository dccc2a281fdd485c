"""A small demo ledger for the demo campaign that is open today, entered through the services as users would.

Loaded once: when the campaign already has clues, nothing is added (so load_demo can run again)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Unit
from review import services as workbench
from review import submissions
from review.services import DisposalPlan, Scores
from screening.locks import today_local
from screening.models import Campaign, Term

from . import services
from .models import Clue
from .services import ClueData, EntityData, RecordData

User = get_user_model()

CLUES = [
    # unit, user, entity name, credit code, sector, amount, people, unpaid, behaviours, problems, channel, registered division
    ("120115001", "township_staff", "天津鑫盛财富投资管理有限公司", "91350100M000100Y43", "民间投融资中介机构",
     "1280.50", 326, "860.00", ["消费返利"], ["超范围经营", "虚假宣传"], "both", "120115"),
    ("120115001", "township_staff", "宝坻区惠民养老服务中心", "", "养老机构",
     "86.00", 57, "40.00", ["以弱势群体为主要目标的集资行为"], ["设资金池"], "offline", "120115"),
    ("120115003", "township2_staff", "天津众筹汇网络科技有限公司", "91440300708461136T", "众筹平台",
     "35.20", 44, "0.00", ["资金互助"], ["发布涉嫌非法集资广告资讯"], "online", "120114"),
    ("120115-D27", "department_staff", "天津鑫盛财富投资管理有限公司", "91350100M000100Y43", "民间投融资中介机构",
     "1280.50", 326, "860.00", ["消费返利"], ["超范围经营"], "both", "120115"),
    ("120115-D16", "education_staff", "宝坻区启航培训学校", "", "教育机构",
     "12.00", 30, "12.00", [], ["自融"], "offline", "120115"),
]
SCREENED = [
    ("120115001", "township_staff", "民间投融资中介机构", ["宝坻区金诚投资咨询部", "宝坻区恒泰理财工作室", "天津安信担保有限公司"]),
    ("120115003", "township2_staff", "批发和零售", ["海滨便民超市", "海滨粮油商行"]),
]


@transaction.atomic
def load_ledger(*, campaign_slug: str = "current-special") -> int:
    campaign = Campaign.objects.get(slug=campaign_slug)
    if Clue.objects.filter(campaign=campaign).exists():
        return 0
    terms = {(t.vocabulary, t.name): t for t in Term.objects.filter(campaign=campaign)}
    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    for code, username, sector, names in SCREENED:
        services.records_create(actor=users[username], campaign=campaign, unit=units[code], rows=[
            RecordData(entity=EntityData(name=name), sector=terms[("sector", sector)]) for name in names
        ])
    clues = []
    for code, username, name, credit, sector, amount, people, unpaid, behaviours, problems, channel, division in CLUES:
        data = ClueData(
            entity=EntityData(name=name, credit_code=credit, registered_division=division, operating_division="120115"),
            sector=terms[("sector", sector)], amount_involved=Decimal(amount), people_involved=people,
            unpaid_funds=Decimal(unpaid), behaviours=[terms[("behaviour", b)] for b in behaviours],
            problems=[terms[("problem", p)] for p in problems], channel=channel,
            fundraising_mode=terms[("mode", "债权类")], source=terms[("method", "扫楼排查")],
        )
        clue = services.clue_create(actor=users[username], campaign=campaign, unit=units[code], data=data)
        clues.append(services.clue_submit(actor=users[username], clue=clue))
    _review(campaign, clues, users["county_office"], units, terms)
    # 钰华街道 found nothing and hands in a zero report, waiting for the county office's approval.
    submissions.submission_declare(actor=users["multi_staff"], campaign=campaign, unit=units["120115002"])
    return len(clues)


def _review(campaign, clues, office, units, terms) -> None:
    first, second, third, duplicate, _fifth = clues
    workbench.clues_merge(actor=office, keep=first, duplicate=duplicate, reason="同一市场主体，由街道与市场监管局分别报送")
    for clue, scores in ((first, Scores(5, 4, 3, 3)), (second, Scores(3, 2, 2, 3))):
        workbench.clue_accept(actor=office, clue=clue)
        workbench.clue_rate(actor=office, clue=clue, scores=scores)
    workbench.clue_mark_key(actor=office, clue=first, is_key=True, reason="涉众人数多、未兑付金额大")
    workbench.disposal_save(actor=office, clue=first, plan=DisposalPlan(
        responsible_unit=units["120115-D27"], track="clean_up", stage="under_way",
        measures=[terms[("measure", "警示约谈")], terms[("measure", "规范整改")]],
        deadline=today_local(), refund_status="refunding", refunded_share=Decimal("35.00"),
        handling_result="停业整改", notices={"河北省": 2},
    ))
    workbench.progress_add(actor=office, clue=first, on=today_local(), text="已约谈法定代表人，责令停止宣传并制定清退方案。")
    workbench.disposal_save(actor=office, clue=second, plan=DisposalPlan(
        responsible_unit=units["120115-D11"], track="rectify", measures=[terms[("measure", "规范整改")]],
    ))
    workbench.clue_return(actor=office, clue=third, reason="请补充法定代表人和经营地址")
