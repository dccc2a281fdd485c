"""Public tips of the demo, through the services as the public and the office would: three tips for 宝坻区, one new,
one registered and assigned to 宝平街道 (whose staff recorded a finding), one closed with a reason and a reward decided.
None is turned into a clue, so the demo's tables stay what the ledger's demo makes them. Given tips already, it does
nothing, so load_demo can run again."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Unit
from screening.locks import today_local

from . import services
from .models import Tip

User = get_user_model()


@transaction.atomic
def load_tips() -> None:
    if Tip.objects.exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["county_office", "township_staff"])}
    office, staff = users["county_office"], users["township_staff"]
    county, township = Unit.objects.get(code="120115"), Unit.objects.get(code="120115001")

    def tip(number: int, **fields):
        data = services.TipData(county=county, **fields)
        return services.tip_file(address=f"demo-{number}", data=data)[0]

    tip(1, what="小区门口有人发传单，宣传“养老公寓认筹”，承诺年化收益18%，每月返息，很多老人排队交钱。",
        place="宝平街道某小区南门", entity_name="天津某某养老服务有限公司", amount=Decimal("200.00"), people=60,
        reporter_name="王女士", reporter_phone="13800001234")
    assigned = tip(2, what="写字楼里一家公司组织“消费返利”讲座，交1万元会员费每天返现，拉人还有提成。",
                   place="宝平街道钰华大厦 12 层", entity_name="天津某某电子商务有限公司", people=30)
    assigned = services.tip_register(actor=office, tip=assigned)
    assigned = services.tip_assign(actor=office, tip=assigned, unit=township, text="请实地核实经营场所和宣传材料。")
    services.tip_finding(actor=staff, tip=assigned, text="已现场核实：该公司以会员费返现名义吸收资金，留存宣传单3份。")
    closed = tip(3, what="村里有人以合作社名义集资养牛，说年底分红。", place="大口屯镇某村",
                 entity_name="某某养殖专业合作社", reporter_name="李先生", reporter_phone="13900005678")
    services.tip_register(actor=office, tip=closed)
    services.tip_close(actor=office, tip=closed, reason="经核查，系合作社成员内部入股，已由区农委规范指导。")
    services.tip_reward(actor=office, tip=closed, amount=Decimal("500.00"), on=today_local(), paid=False)
