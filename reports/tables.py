"""The three attachment tables of seed 001, computed from the ledger with a constant number of aggregate queries.

A table of a unit covers everything beneath it. It counts every clue that has been submitted and not withdrawn
(drafts are left out, and the table says how many); screening records count whatever their clue's state; a clue
merged into another counts once, where it was merged, unless that one lies outside the unit. Institutions are
entities: one screened or reported by two units is one institution in its row, though its people and amounts are
summed over both clues until the office merges them (the table names such entities).
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from ledger.models import Clue, Entity, ScreeningRecord
from orgs.models import Unit
from review.models import CountyReturn, Disposal, ProvinceNotice
from screening.models import Campaign, Term

from .models import ReceivedKeyClue, ReceivedReturn, ReceivedRow
from .table import Column, Merge, Row, Table, Unmerged, counted_names, names_counted, number

NOT_PLANNED = "尚未制定处置方案"
YES, NO = "是", "否"

ATTACHMENT1_NOTES = [
    "注：1. 重点领域是指非法集资主体所属的行业，包括该行业内合法主体和打着本行业领域名义进行非法集资的情形。",
    "2. 如有表中未涉及的“重点领域”、“重点行为”，可另外添加。",
    "3. 主要问题中需择要列举排查出的问题，如超范围经营、发布涉嫌非法集资广告资讯、虚假宣传、无办公场所和办公人员或与注册登记不符、设资金池、自融等。",
    "4. 整改、清理包含拟整改、清理，正在整改、清理及整改、清理完毕等情形。",
    "5. 所有数字均保留小数点后 2 位。",
    "6. 合计栏标“*”的项目需统计合计数。",
]
ATTACHMENT2_NOTES = [
    "注：1.“是否通过互联网”根据实际填写线上、线上或线上线下相结合，“是否跨省”填写是或否。",
    "2. “资金清退情况”填写正在清退或清退完毕，并写明清退比例。",
    "3. “处理结果”填写企业现状，如正在整改并正常营业、停业整改、通报次数等。",
    "4. “省际间风险通报情况”填写向哪些省通报风险线索、通报次数等。",
    "5.所有数字均保留小数点后 2 位。",
    "6.合计栏标“*”的项目需统计合计数。",
]


def attachment3_notes(year: int) -> list[str]:
    return [
        f"注：1. “无非法集资区、县”需同时满足以下条件：{year} 年 1 月 1 日至填表期间，该区、县内无非法集资刑事立案，"
        "本地常住人口中无一定规模的非法集资刑事案件（含本地和外地案件）参与人（50 人以上），本地集资参与人未发生 20 人以上集访、"
        "闹访等影响社会稳定的事件。",
        "2. 本表由各县区填报，市处非领导小组成员单位不需填报。",
    ]


def counted_clues(campaign: Campaign, unit: Unit) -> QuerySet[Clue]:
    """The clues a table of ``unit`` counts."""
    inside = Q(unit__path__startswith=unit.path)
    merged_elsewhere = Q(merged_into__isnull=True) | ~Q(merged_into__unit__path__startswith=unit.path)
    return (
        Clue.objects.filter(inside, merged_elsewhere, campaign=campaign, submitted_at__isnull=False)
        .exclude(status=Clue.Status.WITHDRAWN)
    )


def reported_twice(campaign: Campaign, unit: Unit) -> list[tuple[int, int]]:
    """(entity id, its first clue) of each entity whose counted clues come from more than one unit. One query."""
    return list(
        counted_clues(campaign, unit).values("entity").annotate(units=Count("unit", distinct=True), clue=Min("pk"))
        .filter(units__gt=1).values_list("entity", "clue").order_by()
    )


def unmerged_entities(campaign: Campaign, unit: Unit) -> list[Unmerged]:
    """Entities whose counted clues come from more than one unit: each is one institution in the tables, but its people
    and amounts are summed over every unit's clue until the office merges them. Two queries: the names are read for
    the few entities found, rather than joined to every clue grouped (a city's 86,000: 0.4 s → 0.2 s)."""
    reported = reported_twice(campaign, unit)
    names = dict(Entity.objects.filter(pk__in=[entity for entity, _clue in reported]).values_list("pk", "name"))
    return [Unmerged(names[entity], clue) for entity, clue in sorted(reported, key=lambda row: (names[row[0]], row[0]))]


def drafts_left_out(campaign: Campaign, unit: Unit) -> int:
    return Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path, submitted_at__isnull=True).exclude(
        status=Clue.Status.WITHDRAWN
    ).count()


def received_in(campaign: Campaign, unit: Unit, attachment: int) -> QuerySet[ReceivedReturn]:
    """The tables of an attachment received from units beneath ``unit`` (or from the unit itself), which its table
    counts as those units' returns."""
    return ReceivedReturn.objects.filter(campaign=campaign, attachment=attachment, unit__path__startswith=unit.path)


def received_from(campaign: Campaign, unit: Unit, attachment: int) -> list[str]:
    """The names of the units whose figures the table takes from a received table, for its note. One query."""
    return list(received_in(campaign, unit, attachment).order_by("unit__path").values_list("unit__name", flat=True))


# Attachment 1 --------------------------------------------------------------------------------------------------------

ATTACHMENT1_COLUMNS = [
    Column("screened", "排查机构数量", numeric=True, totalled=True, width=9),
    Column("problem_count", "机构数量", "问题机构情况", numeric=True, totalled=True, width=9),
    Column("problems", "主要问题", "问题机构情况", width=24),
    Column("people", "涉及人数", "问题机构情况", numeric=True, totalled=True, width=10),
    Column("amount", "涉及金额", "问题机构情况", numeric=True, totalled=True, width=12),
    Column("measures", "采取的主要措施", "整治情况", width=22),
    Column("rectified", "整改机构数量", "整治情况", numeric=True, totalled=True, width=9),
    Column("cleaned", "清理机构数量", "整治情况", numeric=True, totalled=True, width=9),
    Column("investigated", "立案查处的机构数量", "整治情况", numeric=True, totalled=True, width=10),
    Column("unhandled", "机构数量", "未整治情况", numeric=True, totalled=True, width=9),
    Column("unhandled_reasons", "原因", "未整治情况", width=18),
    Column("remarks", "备注", width=10),
]
TRACK_COLUMNS = {
    "rectified": Disposal.Track.RECTIFY,
    "cleaned": Disposal.Track.CLEAN_UP,
    "investigated": Disposal.Track.INVESTIGATE,
}


UNHANDLED = Q(disposal__track=Disposal.Track.NOT_HANDLED) | Q(disposal__isnull=True)


def block_figures(clues: QuerySet[Clue], key: str) -> dict[int, dict]:
    """Per term of a block (``key`` "sector" or "behaviours"), from the counted ``clues`` filed under one: the problem
    institutions, people, amounts and the clues on each track. One query; the home page's charts read it too. Pass
    the clues unfiltered by ``key``: a second filter on the behaviours would join them twice."""
    figures = clues.filter(**{f"{key}__isnull": False}).values(key).annotate(
        problem_count=Count("entity", distinct=True),
        people=Sum("people_involved"),
        amount=Sum("amount_involved"),
        unhandled=Count("pk", filter=UNHANDLED, distinct=True),
        **{name: Count("pk", filter=Q(disposal__track=track), distinct=True) for name, track in TRACK_COLUMNS.items()},
    )
    return {row.pop(key): row for row in figures}


def _children(terms: list[Term]) -> dict[int | None, list[Term]]:
    children: dict[int | None, list[Term]] = defaultdict(list)
    for term in terms:
        children[term.parent_id].append(term)
    return children


def leaf_terms(terms: list[Term]) -> list[Term]:
    """The terms of a block with a row of their own, in the table's order: each item, or a top term without items."""
    children = _children(terms)
    return [leaf for top in children[None] for leaf in (children[top.pk] or [top])]


class ReceivedFigures:
    """The figures of the attachment 1 tables received from units beneath a unit, per term: the numbers summed in SQL,
    the problems, measures and reasons read back into counts, to be added to the ledger's. Two queries."""

    NAMED = ("problems", "measures", "unhandled_reasons")

    def __init__(self, campaign: Campaign, unit: Unit, *, any_received: bool):
        self.numbers: dict[int, dict] = {}
        self.names: dict[str, dict[int, Counter]] = {key: defaultdict(Counter) for key in self.NAMED}
        if not any_received:  # most tables receive nothing: their two queries are spared
            return
        rows = ReceivedRow.objects.filter(received__in=received_in(campaign, unit, ReceivedReturn.Attachment.ATTACHMENT1))
        numeric = [column.key for column in ATTACHMENT1_COLUMNS if column.numeric]
        # An annotation may not take the name of a field: the sums are read under a prefix.
        summed = rows.values("term").annotate(**{f"sum_{key}": Sum(key) for key in numeric}).order_by()
        self.numbers = {row["term"]: {key: row[f"sum_{key}"] for key in numeric} for row in summed}
        written = rows.exclude(problems="", measures="", unhandled_reasons="")
        for term_id, *texts in written.values_list("term", *self.NAMED):
            for key, text in zip(self.NAMED, texts):
                self.names[key][term_id].update(names_counted(text))


class _Block:
    """The figures of one block (sectors or behaviours), per term, gathered with a fixed number of queries, with the
    figures received as tables added to them.

    ``key`` is how a clue reaches the block's terms: "sector" for sectors, "behaviours" for behaviours (a clue with two
    behaviours counts in both rows, as the form asks).
    """

    def __init__(self, campaign: Campaign, unit: Unit, clues: QuerySet[Clue], key: str, received: ReceivedFigures):
        self.received = received
        # Only rows filed under a term count in a term's row: for behaviours, an inner join to the rows that have one
        # (grouped over a left join, every record without a behaviour made one more group, and a city's took 0.7 s).
        self.figures = block_figures(clues, key)
        filed = Q(**{f"{key}__isnull": False})
        clues = clues.filter(filed)
        records = ScreeningRecord.objects.filter(filed, campaign=campaign, unit__path__startswith=unit.path)
        # Institutions are entities: one screened (or reported) by a township and by a department counts once.
        self.screened = dict(records.values_list(key).annotate(n=Count("entity", distinct=True)).values_list(key, "n"))
        # Read from the counted clues outward, so that the planner starts from the unit's clues: asked from the link
        # tables for the clues "in" the counted ones, it joined every link of the campaign before keeping the unit's
        # (a county's problems per behaviour: 130 ms → 60 ms).
        self.problems = self._names(clues.filter(problems__isnull=False), key, "problems__name", "pk")
        self.measures = self._names(clues.filter(disposal__measures__isnull=False), key, "disposal__measures__name",
                                    "disposal")
        self.reasons = self._names(clues.filter(UNHANDLED), key, "disposal__not_handled_reason", "pk")

    @staticmethod
    def _names(queryset, term_path: str, name_path: str, counted: str) -> dict[int, dict[str, int]]:
        names: dict[int, dict[str, int]] = defaultdict(dict)
        for term_id, name, n in (
            queryset.values(term_path, name_path).annotate(n=Count(counted, distinct=True)).values_list(term_path, name_path, "n")
        ):
            names[term_id][name or NOT_PLANNED] = n
        return names

    def values(self, term: Term, order: dict[str, int]) -> dict:
        figures = self.figures.get(term.pk, {}) | {"screened": self.screened.get(term.pk)}
        received = self.received.numbers.get(term.pk, {})
        values = {
            column.key: number(figures.get(column.key)) + number(received.get(column.key))
            for column in ATTACHMENT1_COLUMNS if column.numeric
        }
        for key, ledger in (("problems", self.problems), ("measures", self.measures),
                            ("unhandled_reasons", self.reasons)):
            received_names = self.received.names[key].get(term.pk, Counter())
            values[key] = counted_names(Counter(ledger.get(term.pk, {})) + received_names, order)
        values["remarks"] = ""
        return values

    def has_data(self, term: Term) -> bool:
        return term.pk in self.screened or term.pk in self.figures or term.pk in self.received.numbers


def attachment1(*, campaign: Campaign, unit: Unit) -> Table:
    """涉嫌非法集资风险专项排查情况统计表: the campaign's own sector and behaviour trees, each block closed by 合计."""
    table = Table(
        attachment=1, title="涉嫌非法集资风险专项排查情况统计表", unit_line="单位：个、人、万元",
        label_headers=["", "", ""], columns=ATTACHMENT1_COLUMNS, notes=ATTACHMENT1_NOTES,
        unit_name=unit.name, campaign_title=campaign.title, drafts_left_out=drafts_left_out(campaign, unit),
        unmerged=unmerged_entities(campaign, unit),
        received_from=received_from(campaign, unit, ReceivedReturn.Attachment.ATTACHMENT1),
    )
    terms = list(Term.objects.filter(campaign=campaign).order_by("order", "pk"))
    order = {term.name: index for index, term in enumerate(terms)}
    clues = counted_clues(campaign, unit)
    received = ReceivedFigures(campaign, unit, any_received=bool(table.received_from))
    for vocabulary, block_label, key in (
        (Term.Vocabulary.SECTOR, "重点领域", "sector"),
        (Term.Vocabulary.BEHAVIOUR, "重点行为", "behaviours"),
    ):
        block = _Block(campaign, unit, clues, key, received)
        _add_block(table, [t for t in terms if t.vocabulary == vocabulary], block, block_label, order)
    return table


def _add_block(table: Table, terms: list[Term], block: _Block, label: str, order: dict[str, int]) -> None:
    children = _children(terms)

    def shown(term: Term) -> bool:
        # A retired term keeps its row only while it holds data.
        return not term.is_retired or block.has_data(term)

    first = len(table.rows)
    leaf_rows: list[Row] = []
    for top in filter(shown, children[None]):
        items = [child for child in children[top.pk] if shown(child)]
        if not children[top.pk]:
            row = Row([label, top.name, ""], block.values(top, order), term_id=top.pk)
            table.merges.append(Merge(len(table.rows), 1, len(table.rows), 2))
            table.rows.append(row)
            leaf_rows.append(row)
            continue
        start = len(table.rows)
        for item in items:
            row = Row([label, top.name, item.name], block.values(item, order), term_id=item.pk)
            table.rows.append(row)
            leaf_rows.append(row)
        if len(items) > 1:
            table.merges.append(Merge(start, 1, len(table.rows) - 1, 1))
    if len(table.rows) - first > 1:
        table.merges.append(Merge(first, 0, len(table.rows) - 1, 0))
    totals = {
        column.key: sum((row.values[column.key] for row in leaf_rows), Decimal("0.00")) if column.totalled else ""
        for column in table.columns
    }
    table.merges.append(Merge(len(table.rows), 0, len(table.rows), 2))
    table.rows.append(Row(["合计", "", ""], totals, is_total=True))


# Attachment 2 --------------------------------------------------------------------------------------------------------

# Widths in proportion to what the columns hold, chosen so that no head leaves one character on a line of its own,
# 150 units with 序号: A4 landscape at full size, the text at 10 points on paper.
ATTACHMENT2_COLUMNS = [
    Column("entity", "企业名称", "风险情况", width=18),
    Column("sector", "所属行业", "风险情况", width=11),
    Column("mode", "集资模式", "风险情况", width=10),
    Column("channel", "是否通过互联网", "风险情况", width=10),
    Column("amount", "涉及金额", "风险情况", numeric=True, totalled=True, width=10),
    Column("people", "涉及人数", "风险情况", numeric=True, totalled=True, width=10),
    Column("unpaid", "未兑付资金", "风险情况", numeric=True, totalled=True, width=12),
    Column("cross_province", "是否跨省", "风险情况", width=6),
    Column("measures", "采取的工作措施", "工作情况", width=11),
    Column("refund", "资金清退情况", "工作情况", width=14),
    Column("result", "处理结果", "工作情况", width=11),
    Column("notices", "省际间风险通报情况", "工作情况", width=13),
    Column("remarks", "备注", width=9),
]


def refund_text(status: str, share: Decimal | None) -> str:
    """资金清退情况 from a disposal's refund status and the share refunded so far."""
    if not status:
        return ""
    if status == Disposal.Refund.REFUNDED:
        return "清退完毕"
    if share is None:
        return "正在清退"
    return f"正在清退（已清退 {number(share)}%）"


def notices_text(notices: list[tuple[str, int]]) -> str:
    """省际间风险通报情况 from a disposal's (province, times) notices."""
    if not notices:
        return ""
    times = sum(n for _province, n in notices)
    return f"已向{'、'.join(province for province, _n in notices)}通报 {times} 次"


def _grouped(pairs) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for key, *value in pairs:
        grouped[key].append(value[0] if len(value) == 1 else tuple(value))
    return grouped


def attachment2(*, campaign: Campaign, unit: Unit) -> Table:
    """重点风险线索统计表: one row per key clue, and the total of 涉及金额, 涉及人数, 未兑付资金. The rows are read as
    values, their measures, notices and merged clues in one query each: model instances of a city's 5,600 key clues
    and their prefetches took more time than everything else of the table."""
    table = Table(
        attachment=2, title="重点风险线索统计表", unit_line="单位：人、万元", label_headers=["序号"],
        columns=ATTACHMENT2_COLUMNS, notes=ATTACHMENT2_NOTES, unit_name=unit.name, campaign_title=campaign.title,
        drafts_left_out=drafts_left_out(campaign, unit), unmerged=unmerged_entities(campaign, unit),
        received_from=received_from(campaign, unit, ReceivedReturn.Attachment.ATTACHMENT2),
    )
    key_clues = counted_clues(campaign, unit).filter(assessment__is_key=True)
    measures = _grouped(
        Disposal.measures.through.objects.filter(disposal__clue__in=key_clues)
        .order_by("term__order", "term_id").values_list("disposal__clue_id", "term__name")
    )
    notices = _grouped(
        ProvinceNotice.objects.filter(disposal__clue__in=key_clues).order_by("pk")
        .values_list("disposal__clue_id", "province", "times")
    )
    also = _grouped(
        Clue.objects.filter(merged_into__in=key_clues).order_by("-created_at", "-pk")
        .values_list("merged_into_id", "unit__name")
    )
    channels = dict(Clue.Channel.choices)
    rows = key_clues.order_by("unit__path", "pk").values_list(
        "pk", "entity__name", "sector__name", "fundraising_mode__name", "channel", "amount_involved",
        "people_involved", "unpaid_funds", "cross_province", "disposal__refund_status", "disposal__refunded_share",
        "disposal__handling_result",
    )
    for index, (pk, entity, sector, mode, channel, amount, people, unpaid, cross_province, refund_status,
                refunded_share, result) in enumerate(rows, start=1):
        table.rows.append(Row([str(index)], {
            "entity": entity,
            "sector": sector,
            "mode": mode or "",
            "channel": str(channels.get(channel, channel)) if channel else "",
            "amount": number(amount),
            "people": number(people),
            "unpaid": number(unpaid),
            "cross_province": YES if cross_province else NO,
            "measures": "、".join(measures.get(pk, [])),
            "refund": refund_text(refund_status or "", refunded_share),
            "result": result or "",
            "notices": notices_text(notices.get(pk, [])),
            "remarks": f"另由{'、'.join(also[pk])}报送" if pk in also else "",
        }))
    if table.received_from:
        _add_received_key_clues(table, campaign, unit)
    totals = {
        column.key: sum((row.values[column.key] for row in table.rows), Decimal("0.00")) if column.totalled else ""
        for column in table.columns
    }
    table.rows.append(Row(["合计"], totals, is_total=True))
    return table


RECEIVED_KEY_CLUE_TEXTS = ("entity", "mode", "channel", "cross_province", "measures", "refund", "result", "notices")


def _add_received_key_clues(table: Table, campaign: Campaign, unit: Unit) -> None:
    """The rows of the attachment 2 tables received from units beneath ``unit``, after the ledger's, as the units
    wrote them; the remark says which unit sent each. One query."""
    rows = ReceivedKeyClue.objects.filter(
        received__in=received_in(campaign, unit, ReceivedReturn.Attachment.ATTACHMENT2)
    ).order_by("received__unit__path", "position").values_list(
        "received__unit__name", "sector__name", "amount", "people", "unpaid", "remarks", *RECEIVED_KEY_CLUE_TEXTS,
    )
    for sender, sector, amount, people, unpaid, remarks, *texts in rows:
        table.rows.append(Row([str(len(table.rows) + 1)], {
            **dict(zip(RECEIVED_KEY_CLUE_TEXTS, texts)),
            "sector": sector, "amount": number(amount), "people": number(people), "unpaid": number(unpaid),
            "remarks": "；".join(filter(None, [f"{sender}以报表形式报送", remarks])),
        }))


# Attachment 3 --------------------------------------------------------------------------------------------------------

ATTACHMENT3_COLUMNS = [
    Column("cases", "今年非法集资刑事立案数", numeric=True, width=14, number_format="0"),
    Column("large_case", "是否存在本地常住人口参与非法集资刑事案件达 50 人以上的情况", width=26),
    Column("petition", "是否发生 20 人以上的本地集资参与人集访、闹访等影响社会稳定的事件", width=28),
    Column("remarks", "备注", width=20),
]


def counties_in(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(
        path__startswith=unit.path, level=Unit.Level.COUNTY, kind=Unit.Kind.GOVERNMENT, is_active=True
    ).order_by("path")


def proposed_case_counts(campaign: Campaign, counties: list[Unit]) -> dict[int, int]:
    """Criminal cases filed this year, as the ledger knows them: clues on the investigate track with a filing date in
    the campaign's year, per county. One query."""
    if not counties:
        return {}
    filed = Clue.objects.filter(
        campaign__year=campaign.year, disposal__track=Disposal.Track.INVESTIGATE,
        disposal__case_filed_on__year=campaign.year, merged_into__isnull=True,
    ).exclude(status=Clue.Status.WITHDRAWN)
    counts = filed.aggregate(
        **{str(c.pk): Count("entity", distinct=True, filter=Q(unit__path__startswith=c.path)) for c in counties}
    )
    return {int(pk): n for pk, n in counts.items()}


def attachment3(*, campaign: Campaign, unit: Unit) -> Table:
    """“无非法集资区、县”统计表: each county in scope with its return; the page says which counties qualify."""
    table = Table(
        attachment=3, title="“无非法集资区、县”统计表", unit_line="", label_headers=["区、县名称"],
        columns=ATTACHMENT3_COLUMNS, notes=attachment3_notes(campaign.year), unit_name=unit.name,
        campaign_title=campaign.title,
    )
    counties = list(counties_in(unit))
    returns = {r.county_id: r for r in CountyReturn.objects.filter(county__in=counties, year=campaign.year)}
    proposed = proposed_case_counts(campaign, counties)
    for county in counties:
        filed = returns.get(county.pk)
        if filed is None:
            table.rows.append(Row([county.name], {
                "cases": proposed.get(county.pk, 0), "large_case": "", "petition": "",
                "remarks": "未填报（立案数为台账测算）",
            }))
            table.remarks.append(_("%(county)s has not filled in its return yet.") % {"county": county.name})
            continue
        table.rows.append(Row([county.name], {
            "cases": filed.criminal_cases,
            "large_case": YES if filed.has_large_case else NO,
            "petition": YES if filed.has_petition_event else NO,
            "remarks": filed.remarks,
        }))
        table.remarks.append(qualification(filed))
    return table


def qualification(filed: CountyReturn) -> str:
    if filed.qualifies:
        return _("%(county)s qualifies as a “no illegal fundraising county”.") % {"county": filed.county.name}
    reasons = []
    if filed.criminal_cases:
        reasons.append(_("%(count)d criminal cases filed this year") % {"count": filed.criminal_cases})
    if filed.has_large_case:
        reasons.append(_("local residents took part in a case with 50 or more participants"))
    if filed.has_petition_event:
        reasons.append(_("a petition event of 20 or more local participants happened"))
    return _("%(county)s does not qualify: %(reasons)s.") % {"county": filed.county.name, "reasons": "；".join(reasons)}
