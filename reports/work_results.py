"""工作成效量化统计表: the quantified work results of the units beneath a unit, each unit directly beneath it as the sum
of everything beneath it, the unit's own figures as 本级, and 合计. Drawn as the other tables are (HTML and .xlsx)."""

from django.db.models import Sum

from orgs.models import Unit
from oversight.models import WorkResults
from screening.models import Campaign

from .table import Column, Row, Table

GROUPS = {"publicity": "宣传教育", "advertising": "广告清理", "long_term": "长效机制"}
HEADS = {
    "publicity_events": "宣传活动（场次）", "people_reached": "受众（人次）", "materials_handed_out": "发放资料（份）",
    "media_items": "媒体宣传（篇、条）", "ads_removed": "清理广告、传单（条、份）", "online_items_removed": "删除网络信息（条）",
    "letters_signed": "签订责任书、承诺书（份）", "signs_put_up": "张贴标语、警示牌（条、块）",
    "supervisors_named": "聘请社会监督员、网格员（人）", "rules_made": "建章立制（项）",
}
COLUMNS = [
    Column(name, HEADS[name], GROUPS.get(group, ""), numeric=True, totalled=True, width=11,
           number_format="0")
    for name, group in WorkResults.FIGURES
]
NAMES = [name for name, _group in WorkResults.FIGURES]


def results_table(*, campaign: Campaign, unit: Unit) -> Table:
    table = Table(attachment=None, title="防范和处置非法集资工作成效量化统计表", unit_line="", label_headers=["单位"],
                  columns=COLUMNS, unit_name=unit.name, campaign_title=campaign.title)
    children = list(Unit.objects.filter(parent=unit, is_active=True).exclude(kind=Unit.Kind.OFFICE).order_by("path"))
    rows = (WorkResults.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
            .values_list("unit_id", "unit__path").annotate(*(Sum(name) for name in NAMES)).order_by())
    own, beneath = [0] * len(NAMES), {child.pk: [0] * len(NAMES) for child in children}
    for unit_id, path, *figures in rows:
        target = own if unit_id == unit.pk else next(
            (beneath[child.pk] for child in children if path.startswith(child.path)), None)
        if target is not None:
            for index, value in enumerate(figures):
                target[index] += value
    lines = ([("本级", own)] if any(own) else []) + [(child.name, beneath[child.pk]) for child in children]
    for label, figures in lines:
        table.rows.append(Row([label], dict(zip(NAMES, figures))))
    table.rows.append(Row(["合计"], {name: sum(row.values[name] for row in table.rows) for name in NAMES},
                          is_total=True))
    return table
