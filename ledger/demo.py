"""A small demo ledger for the demo campaign that is open today, entered through the services as users would.

Loaded once: when the campaign already has clues, nothing is added (so load_demo can run again). The office's review
of these clues is review/demo.py's."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Unit
from screening.models import Campaign, Term

from . import credit, services, validators
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
def load_ledger(*, campaign_slug: str = "current-special") -> list[Clue]:
    """The clues entered and submitted, in the order of CLUES; none when the campaign already had clues."""
    campaign = Campaign.objects.get(slug=campaign_slug)
    if Clue.objects.filter(campaign=campaign).exists():
        return []
    terms = {(t.vocabulary, t.name): t for t in Term.objects.filter(campaign=campaign)}
    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    for code, username, sector, names in SCREENED:
        services.records_create(actor=users[username], campaign=campaign, unit=units[code], rows=[
            RecordData(entity=EntityData(name=name), sector=terms[("sector", sector)]) for name in names
        ])
    clues = []
    for code, username, name, credit_code, sector, amount, people, unpaid, behaviours, problems, channel, division in CLUES:
        data = ClueData(
            entity=EntityData(name=name, credit_code=credit_code, registered_division=division, operating_division="120115"),
            sector=terms[("sector", sector)], amount_involved=Decimal(amount), people_involved=people,
            unpaid_funds=Decimal(unpaid), behaviours=[terms[("behaviour", b)] for b in behaviours],
            problems=[terms[("problem", p)] for p in problems], channel=channel,
            fundraising_mode=terms[("mode", "债权类")], source=terms[("method", "扫楼排查")],
        )
        clue = services.clue_create(actor=users[username], campaign=campaign, unit=units[code], data=data)
        clues.append(services.clue_submit(actor=users[username], clue=clue))
    _load_people(campaign, clues[0], users, units, terms)
    return clues


def _id_number(first17: str) -> str:
    return first17 + validators.id_number_check_character(first17)


def _load_people(campaign, clue, users, units, terms) -> None:
    """The people behind the first clue's entity, and a business of the same boss under another name with the same
    organisation code, registered anew in another district (迁址后改头换面): its page shows how they are linked."""
    staff = users["township_staff"]
    boss = _id_number("12011519750312421")
    credit.person_add(actor=staff, entity=clue.entity, name="张立新", role="legal_representative",
                      id_number=_id_number("12011519800521361"))
    credit.person_add(actor=staff, entity=clue.entity, name="王海涛", role="actual_controller", id_number=boss)
    first17 = "91120223" + clue.entity.credit_code[8:17]
    [record] = services.records_create(actor=users["township2_staff"], campaign=campaign, unit=units["120115003"], rows=[
        RecordData(entity=EntityData(name="天津鑫盛汇达商务咨询有限公司",
                                     credit_code=first17 + validators.credit_code_check_character(first17)),
                   sector=terms[("sector", "民间投融资中介机构")])])
    credit.person_add(actor=users["township2_staff"], entity=record.entity, name="王海涛", role="legal_representative",
                      id_number=boss)
