"""The campaign work of the demo, through the services as users would: the seed's quotas of information reports, two
briefings and the county office's first bulletin, an inspection of the first township with its actions, one answered, and the
township's work results. Given a campaign that already has briefings, it does nothing, so load_demo can run again."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Unit
from screening.locks import today_local
from screening.models import Campaign

from . import services
from .models import Briefing

User = get_user_model()


@transaction.atomic
def load_oversight(campaign: Campaign) -> None:
    if Briefing.objects.filter(campaign=campaign).exists():
        return
    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    today = today_local()
    # Seed 001 六(四): each county government files at least 2 information reports, each department at least 1.
    services.quotas_set(actor=users["admin"], campaign=campaign, minimums={
        (Unit.Level.COUNTY, Unit.Kind.GOVERNMENT): 2, (Unit.Level.COUNTY, Unit.Kind.DEPARTMENT): 1,
        (Unit.Level.TOWNSHIP, Unit.Kind.GOVERNMENT): 1,
    })
    township, department = units["120115001"], units["120115-D27"]
    first = services.briefing_file(
        actor=users["township_staff"], campaign=campaign, unit=township, kind=Briefing.Kind.HIGHLIGHTS,
        title=f"{township.name}开展写字楼扫楼排查", day=today,
        text="街道组织网格员对辖区12栋写字楼逐户排查，建立台账，发现涉嫌非法集资风险线索2条，已报区处非办。")
    second = services.briefing_file(
        actor=users["department_staff"], campaign=campaign, unit=department, kind=Briefing.Kind.RISKS,
        title="区市场监管局清理涉嫌非法集资广告", day=today,
        text="区市场监管局联合街道清理户外广告和小区传单46份，删除网络信息13条，约谈发布单位3家。")
    services.bulletin_issue(actor=users["county_office"], campaign=campaign, issuer=units["120115"],
                            briefings=[first, second], title="防范和处置非法集资工作简报", day=today,
                            send_to="市处非办", copy_to="区领导小组各成员单位")
    visit = services.inspection_record(
        actor=users["county_office"], campaign=campaign, unit=township, day=today, inspectors="区处非办 督导组",
        findings="排查台账基本完整；个别社区宣传标语张贴不到位。", actions=[
            services.ActionPlan("补齐社区宣传标语并报送照片", today + timedelta(days=7)),
            services.ActionPlan("完善排查台账中的经营地址", today + timedelta(days=14)),
        ])
    services.action_answer(actor=users["township_staff"], action=visit.actions.first(),
                           answer="已在各社区张贴宣传标语36条，照片已上传。")
    services.results_save(actor=users["township_staff"], campaign=campaign, unit=township, figures={
        "publicity_events": 6, "people_reached": 2400, "materials_handed_out": 3000, "media_items": 4,
        "ads_removed": 46, "online_items_removed": 13, "letters_signed": 28, "signs_put_up": 36,
        "supervisors_named": 15, "rules_made": 1,
    })
