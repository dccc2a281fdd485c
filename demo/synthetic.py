"""A deterministic synthetic province for measuring the system at a year's volume (generate_data): the organisation
of ``synthetic_org``, then entities, screening records, clues in every state, ratings, key clues, disposal on every
track with notices and progress notes, and their first history rows, written in bulk by ``bulk_write``.

Everything random comes from one ``random.Random(seed)`` consumed in a fixed order, so the same arguments give the same
rows (their keys aside). Sectors, behaviours, problems and units are skewed (a few take most of the rows); amounts run
over four orders of magnitude (1.00 to 9,999.99 万元) with two decimals."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from ledger import validators
from orgs.models import Membership, Unit, UnitUserPermission, User
from ledger.models import Clue, Entity, FlagKeyword, ScreeningRecord
from review.models import Assessment, Disposal, ProgressNote, ProvinceNotice
from review.services.rating import level_for
from screening.locks import today_local
from screening.models import Campaign, ExpectedUnit, Phase, Term, UnitSubmission

from . import bulk_write
from .synthetic_org import SyntheticCounty

SHARED_SHARE = 0.02  # clues on an entity another unit of the county reported too
STATUSES = {  # share of each status among the clues
    Clue.Status.DRAFT: 8, Clue.Status.SUBMITTED: 25, Clue.Status.RETURNED: 4, Clue.Status.ACCEPTED: 58,
    Clue.Status.WITHDRAWN: 5,
}
KEY_CHANCE = {Assessment.Level.HIGH: 0.35, Assessment.Level.MEDIUM: 0.06, Assessment.Level.LOW: 0.01}
TRACKS = {Disposal.Track.RECTIFY: 40, Disposal.Track.CLEAN_UP: 25, Disposal.Track.INVESTIGATE: 15,
          Disposal.Track.NOT_HANDLED: 20}
STAGES = {Disposal.Stage.PLANNED: 30, Disposal.Stage.UNDER_WAY: 45, Disposal.Stage.FINISHED: 25}
CHANNELS = {Clue.Channel.OFFLINE: 50, Clue.Channel.ONLINE: 25, Clue.Channel.BOTH: 20, "": 5}
SCORE_WEIGHTS = [30, 30, 22, 12, 6]  # of the scores 1 to 5

NAME_PARTS = "鑫盛汇融泰丰恒信安达金诚华宝瑞祥德隆兴福"
TRADES = ["投资管理", "财富管理", "网络科技", "商贸", "养老服务", "教育咨询", "农业专业合作社", "电子商务", "房地产经纪",
          "融资担保", "旅行社", "医疗器械", "文化传媒", "资产管理", "供应链管理"]
FORMS = ["有限公司", "有限责任公司", "工作室", "中心", "商行"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
SCOPES = ["企业管理咨询；商务信息咨询", "投资咨询；理财产品推介", "养老服务；健康咨询", "教育信息咨询；培训服务",
          "网络技术开发；互联网信息服务", "农产品种植与销售", "日用百货零售", "房地产中介服务", "非融资性担保服务"]
DESCRIPTIONS = ["以高额回报为诱饵吸收公众资金", "发放宣传单承诺保本付息", "通过微信群推介理财产品", "组织老年人参加健康讲座并推销产品",
                "以会员积分返利名义收取资金", "以合作社名义向社员以外人员吸收资金"]
NOT_HANDLED_REASONS = ["负责人失联，正在核实", "涉及跨区案件，待协调牵头县", "证据材料不足，继续排查"]
HANDLING_RESULTS = ["正在整改并正常营业", "停业整改", "已注销", "已移交公安机关", ""]
NOTE_TEXTS = ["已约谈法定代表人", "已责令停止宣传", "已制定清退方案", "已上门核查经营场所", "整改材料已提交"]
PROVINCES = ["河北省", "北京市", "山东省", "河南省", "辽宁省", "山西省"]


KEYED = [Entity, ScreeningRecord, Clue, Assessment, Disposal]  # written with keys chosen here
WRITTEN = [
    *KEYED, *(model.history.model for model in KEYED), ScreeningRecord.behaviours.through, Clue.behaviours.through,
    Clue.problems.through, Disposal.measures.through, ProvinceNotice, ProgressNote, UnitSubmission, ExpectedUnit,
    Unit, Membership, UnitUserPermission, User,
]


@dataclass(slots=True)
class PlannedClue:
    """What is decided of a clue before its rows are written (its record and entity are written first)."""

    unit: int
    county: int
    entity: int  # entity id
    new_entity: bool
    sector: int
    behaviours: list[int]
    created_at: datetime
    status: str
    merged_into: int | None = None


@dataclass(frozen=True)
class Generated:
    entities: int
    records: int
    clues: int
    assessments: int
    key_clues: int
    disposals: int


class Generator:
    def __init__(self, *, campaign: Campaign, counties: list[SyntheticCounty], seed: int):
        self.rng = random.Random(seed)
        self.campaign, self.counties = campaign, counties
        self.today = today_local()
        self.now = timezone.now()
        screening = campaign.phases.filter(kind=Phase.Kind.SCREENING).order_by("start").first()
        first_day = min(screening.start if screening else self.today, self.today)
        self.since = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
        self.terms = self._terms()
        self.keywords = list(FlagKeyword.objects.filter(is_active=True).values_list("word", flat=True))
        units = [(unit, index) for index, county in enumerate(counties) for unit in county.reporting]
        self.units = [unit.pk for unit, _index in units]
        self.unit_county = {unit.pk: index for unit, index in units}
        self.unit_weights = [self.rng.paretovariate(1.2) for _unit in units]
        self.staff = {pk: user.pk for county in counties for pk, user in county.staff.items()}
        self.first = {model: bulk_write.next_id(model) for model in
                      (Entity, ScreeningRecord, Clue, Assessment, Disposal)}

    def _terms(self) -> dict[str, tuple[list[int], list[float]]]:
        """Per vocabulary, the terms that take data, shuffled, with Zipf-like weights: a few take most rows."""
        terms = {}
        leaves = Term.objects.filter(campaign=self.campaign, is_retired=False, children__isnull=True)
        for vocabulary in Term.Vocabulary.values:
            ids = list(leaves.filter(vocabulary=vocabulary).order_by("order", "pk").values_list("pk", flat=True))
            self.rng.shuffle(ids)
            terms[vocabulary] = (ids, [1 / (rank + 1) ** 1.1 for rank in range(len(ids))])
        return terms

    def _term(self, vocabulary: str) -> int | None:
        ids, weights = self.terms[vocabulary]
        return self.rng.choices(ids, weights)[0] if ids else None

    def _terms_of(self, vocabulary: str, most: int) -> list[int]:
        return sorted({self._term(vocabulary) for _n in range(self.rng.randint(1, most))} - {None})

    def _moment(self, after: datetime | None = None) -> datetime:
        start = after or self.since
        return start + timedelta(seconds=self.rng.uniform(0, (self.now - start).total_seconds()))

    def _stamp(self, moment: datetime | None):
        return None if moment is None else connection.ops.adapt_datetimefield_value(moment)

    # Planning ---------------------------------------------------------------------------------------------------------

    def plan_clues(self, count: int) -> list[PlannedClue]:
        units = self.rng.choices(self.units, self.unit_weights, k=count)
        statuses = self.rng.choices(list(STATUSES), list(STATUSES.values()), k=count)
        by_county: dict[int, list[tuple[int, PlannedClue]]] = {}
        reporting_units: dict[int, set[int]] = {}  # entity id → the units with a clue on it
        planned, next_entity = [], self.first[Entity]
        for offset, (unit, status) in enumerate(zip(units, statuses)):
            county = self.unit_county[unit]
            earlier = by_county.setdefault(county, [])
            shared = self.rng.choice(earlier[-500:]) if earlier and self.rng.random() < SHARED_SHARE else None
            if shared is not None and unit not in reporting_units[shared[1].entity]:
                other_offset, other = shared
                clue = PlannedClue(unit, county, other.entity, False, other.sector, other.behaviours, self._moment(),
                                   status)
                if status in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED) and other.status == Clue.Status.ACCEPTED \
                        and not other.merged_into and self.rng.random() < 0.5:
                    clue.merged_into = self.first[Clue] + other_offset
            else:
                behaviours = self._terms_of(Term.Vocabulary.BEHAVIOUR, 2) if self.rng.random() < 0.75 else []
                clue = PlannedClue(unit, county, next_entity, True, self._term(Term.Vocabulary.SECTOR), behaviours,
                                   self._moment(), status)
                next_entity += 1
            reporting_units.setdefault(clue.entity, set()).add(unit)
            earlier.append((offset, clue))
            planned.append(clue)
        return planned

    # Entities and screening records -----------------------------------------------------------------------------------

    def entity_row(self, entity_id: int, county: int, created_at: datetime) -> tuple:
        rng, code = self.rng, self.counties[county].county.code
        name = f"{self.counties[county].county.name}{rng.choice(NAME_PARTS)}{rng.choice(NAME_PARTS)}" \
               f"{rng.choice(TRADES)}{rng.choice(FORMS)}"
        credit = None if rng.random() < 0.05 else _credit_code(code, entity_id)
        if credit is None:  # one uncoded entity per name (the database holds it): a branch number tells them apart
            name = f"{name}（{entity_id}分店）"
        elsewhere = rng.random() < 0.06
        registered = self.counties[rng.randrange(len(self.counties))].county.code if elsewhere else code
        scope = rng.choice(SCOPES)
        if self.keywords and rng.random() < 0.1:
            scope += f"；{rng.choice(self.keywords)}"
        representative = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        return (entity_id, name, validators.normalise_name(name), credit, representative, f"{name[:3]}路{rng.randint(1, 999)}号", registered,
                f"{self.counties[county].county.name}{rng.randint(1, 999)}号", code, scope, self._stamp(created_at))

    ENTITY_COLUMNS = ("id", "name", "name_key", "credit_code", "legal_representative", "registered_address",
                      "registered_division", "operating_address", "operating_division", "business_scope", "created_at")
    RECORD_COLUMNS = ("id", "campaign_id", "unit_id", "entity_id", "sector_id", "method_id", "area_id", "screened_on",
                      "result", "version", "created_by_id", "created_at")

    def record_row(self, record_id: int, unit: int, entity: int, sector: int, created_at: datetime,
                   result: str) -> tuple:
        local_day = timezone.localtime(created_at).date()
        return (record_id, self.campaign.pk, unit, entity, sector, self._term(Term.Vocabulary.METHOD),
                self._term(Term.Vocabulary.AREA), local_day.isoformat(), result, 1, self.staff[unit],
                self._stamp(created_at))

    def write_records(self, planned: list[PlannedClue], total: int) -> int:
        """The records of the planned clues (problem found), then the other ``total - len(planned)`` (none found),
        each on an entity of its own but the shared ones; written chunk by chunk."""
        record_id, entity_id = self.first[ScreeningRecord], self.first[Entity] + sum(c.new_entity for c in planned)
        behaviour_rows: list[tuple] = []
        entities, records = [], []

        def flush():
            bulk_write.write_rows(Entity, self.ENTITY_COLUMNS, entities)
            bulk_write.write_rows(ScreeningRecord, self.RECORD_COLUMNS, records)
            bulk_write.write_rows(ScreeningRecord.behaviours.through, ("screeningrecord_id", "term_id"), behaviour_rows)
            for rows in (entities, records, behaviour_rows):
                rows.clear()

        for clue in planned:
            if clue.new_entity:
                entities.append(self.entity_row(clue.entity, clue.county, clue.created_at))
            records.append(self.record_row(record_id, clue.unit, clue.entity, clue.sector, clue.created_at,
                                           ScreeningRecord.Result.PROBLEM))
            behaviour_rows += [(record_id, term) for term in clue.behaviours]
            record_id += 1
            if len(records) >= bulk_write.CHUNK:
                flush()
        units = self.rng.choices(self.units, self.unit_weights, k=max(total - len(planned), 0))
        for unit in units:
            created_at, county = self._moment(), self.unit_county[unit]
            entities.append(self.entity_row(entity_id, county, created_at))
            records.append(self.record_row(record_id, unit, entity_id, self._term(Term.Vocabulary.SECTOR), created_at,
                                           ScreeningRecord.Result.NO_PROBLEM))
            if self.rng.random() < 0.3:
                behaviour_rows.append((record_id, self._term(Term.Vocabulary.BEHAVIOUR)))
            record_id, entity_id = record_id + 1, entity_id + 1
            if len(records) >= bulk_write.CHUNK:
                flush()
        flush()
        return record_id - self.first[ScreeningRecord]

    # Clues ------------------------------------------------------------------------------------------------------------

    CLUE_COLUMNS = ("id", "campaign_id", "unit_id", "record_id", "entity_id", "sector_id", "fundraising_mode_id",
                    "channel", "amount_involved", "people_involved", "unpaid_funds", "cross_province", "source_id",
                    "description", "status", "code_check_confirmed", "withdrawn_reason", "return_reason",
                    "merged_into_id", "submitted_at", "version", "created_by_id", "created_at", "updated_at")

    def clue_rows(self, planned: list[PlannedClue]):
        """Yields the clue rows; ``self.cross_province`` collects the ids of the cross-province ones."""
        rng, self.cross_province = self.rng, set()
        for offset, clue in enumerate(planned):
            clue_id, record_id = self.first[Clue] + offset, self.first[ScreeningRecord] + offset
            cents = int(10 ** rng.uniform(2, 6))  # 1.00 to 9,999.99 万元
            unpaid = int(cents * rng.random()) if rng.random() < 0.7 else 0
            cross = rng.random() < 0.06
            if cross:
                self.cross_province.add(clue_id)
            submitted = None if clue.status == Clue.Status.DRAFT else self._moment(clue.created_at)
            yield (
                clue_id, self.campaign.pk, clue.unit, record_id, clue.entity, clue.sector,
                self._term(Term.Vocabulary.MODE), rng.choices(list(CHANNELS), list(CHANNELS.values()))[0],
                Decimal(cents).scaleb(-2), int(10 ** rng.uniform(0.5, 3.5)), Decimal(unpaid).scaleb(-2), cross,
                self._term(Term.Vocabulary.METHOD), rng.choice(DESCRIPTIONS), clue.status, False,
                "经核实不属于风险线索" if clue.status == Clue.Status.WITHDRAWN else "",
                "请补充经营地址和涉及人数" if clue.status == Clue.Status.RETURNED else "",
                clue.merged_into, self._stamp(submitted), 1 if submitted is None else 2, self.staff[clue.unit],
                self._stamp(clue.created_at), self._stamp(submitted or clue.created_at),
            )

    def clue_links(self, planned: list[PlannedClue]):
        behaviours, problems = [], []
        for offset, clue in enumerate(planned):
            clue_id = self.first[Clue] + offset
            behaviours += [(clue_id, term) for term in clue.behaviours]
            problems += [(clue_id, term) for term in self._terms_of(Term.Vocabulary.PROBLEM, 2)]
        return behaviours, problems

    # The office's work ------------------------------------------------------------------------------------------------

    ASSESSMENT_COLUMNS = ("id", "clue_id", "public_reach", "risk_exposure", "opinion_heat", "stability_risk",
                          "computed_level", "level_override", "override_reason", "notes", "is_key", "rated_by_id",
                          "rated_at")
    DISPOSAL_COLUMNS = ("id", "clue_id", "responsible_unit_id", "deadline", "track", "not_handled_reason", "stage",
                        "case_filed_on", "refund_status", "refunded_share", "handling_result", "instructions",
                        "updated_at")

    def write_review(self, planned: list[PlannedClue]) -> tuple[int, int, int]:
        """Ratings of most accepted clues, key clues among them, and disposal plans for every key clue and some
        others, with their measures, notices and progress notes. Returns (assessments, key clues, disposals)."""
        rng = self.rng
        assessments, disposals, measures, notices, notes = [], [], [], [], []
        assessment_id, disposal_id = self.first[Assessment], self.first[Disposal]
        for offset, clue in enumerate(planned):
            if clue.status != Clue.Status.ACCEPTED or clue.merged_into or rng.random() > 0.85:
                continue
            clue_id, office = self.first[Clue] + offset, self.counties[clue.county].office_user.pk
            scores = rng.choices(range(1, 6), SCORE_WEIGHTS, k=4)
            level = level_for(*scores)
            override = Assessment.Level.HIGH if level != Assessment.Level.HIGH and rng.random() < 0.02 else ""
            is_key = rng.random() < KEY_CHANCE[override or level]
            rated_at = self._moment(clue.created_at)
            assessments.append((assessment_id, clue_id, *scores, level, override,
                                "涉及群体性风险" if override else "", "", is_key, office, self._stamp(rated_at)))
            assessment_id += 1
            if not is_key and rng.random() > 0.15:
                continue
            disposals.append(self._disposal_row(disposal_id, clue_id, clue, rated_at))
            measures += [(disposal_id, term) for term in self._terms_of(Term.Vocabulary.MEASURE, 2)]
            if clue_id in self.cross_province:
                notices += [(disposal_id, province, rng.randint(1, 3)) for province in rng.sample(PROVINCES, 2)]
            stage = disposals[-1][6]
            if stage != Disposal.Stage.PLANNED:
                author = self.staff.get(disposals[-1][2], office)
                count = rng.randint(1, 3)
                for n in range(count):
                    reported = Disposal.Stage.FINISHED if stage == Disposal.Stage.FINISHED and n == count - 1 else ""
                    noted = self._moment(rated_at)
                    notes.append((disposal_id, timezone.localtime(noted).date().isoformat(), rng.choice(NOTE_TEXTS),
                                  reported, author, self._stamp(noted)))
            disposal_id += 1
        bulk_write.write_rows(Assessment, self.ASSESSMENT_COLUMNS, assessments)
        bulk_write.write_rows(Disposal, self.DISPOSAL_COLUMNS, disposals)
        bulk_write.write_rows(Disposal.measures.through, ("disposal_id", "term_id"), measures)
        bulk_write.write_rows(ProvinceNotice, ("disposal_id", "province", "times"), notices)
        bulk_write.write_rows(ProgressNote, ("disposal_id", "on", "text", "stage_reported", "author_id", "created_at"),
                              notes)
        return len(assessments), sum(row[10] for row in assessments), len(disposals)

    def _disposal_row(self, disposal_id: int, clue_id: int, clue: PlannedClue, rated_at: datetime) -> tuple:
        rng = self.rng
        track = rng.choices(list(TRACKS), list(TRACKS.values()))[0]
        handled = track != Disposal.Track.NOT_HANDLED
        stage = rng.choices(list(STAGES), list(STAGES.values()))[0] if handled else Disposal.Stage.PLANNED
        departments = self.counties[clue.county].departments
        responsible = clue.unit if rng.random() < 0.7 else rng.choice(departments).pk
        deadline = None if rng.random() < 0.1 else self.today + timedelta(days=rng.randint(-40, 60))
        refund, share = "", None
        if track in (Disposal.Track.CLEAN_UP, Disposal.Track.INVESTIGATE) and rng.random() < 0.7:
            refund = rng.choice([Disposal.Refund.REFUNDING, Disposal.Refund.REFUNDED])
            share = Decimal("100.00") if refund == Disposal.Refund.REFUNDED else Decimal(rng.randint(0, 9999)).scaleb(-2)
        filed = self.today - timedelta(days=rng.randint(0, 10)) if track == Disposal.Track.INVESTIGATE else None
        return (disposal_id, clue_id, responsible, deadline and deadline.isoformat(), track,
                "" if handled else rng.choice(NOT_HANDLED_REASONS), stage, filed and filed.isoformat(), refund, share,
                rng.choice(HANDLING_RESULTS) if handled else "", "请按一事一策方案推进并按时报告进展", self._stamp(rated_at))

    # Submissions and history ------------------------------------------------------------------------------------------

    def write_submissions(self) -> None:
        """About a third of the reporting units have handed in their data, waiting for the county office."""
        rows = [
            (self.campaign.pk, unit, UnitSubmission.Status.SUBMITTED, False, self._stamp(self._moment()), None, None, "")
            for unit in self.units if self.rng.random() < 0.3
        ]
        bulk_write.write_rows(UnitSubmission, ("campaign_id", "unit_id", "status", "is_zero_report", "submitted_at",
                                               "decided_at", "decided_by_id", "note"), rows)

    def write_history(self) -> None:
        for model, date_column, user_column in (
            (Entity, "created_at", None), (ScreeningRecord, "created_at", "created_by_id"),
            (Clue, "updated_at", "created_by_id"), (Assessment, "rated_at", "rated_by_id"),
            (Disposal, "updated_at", None),
        ):
            bulk_write.copy_history(model, from_id=self.first[model], date_column=date_column, user_column=user_column)


def _credit_code(division: str, serial: int) -> str:
    """A well-formed unified social credit code, unique per ``serial``: 91 (enterprise), the division, nine characters
    of the serial in the code alphabet, and the GB 32100-2015 check character."""
    alphabet, digits = validators.CREDIT_CODE_ALPHABET, []
    for _position in range(9):
        serial, digit = divmod(serial, len(alphabet))
        digits.append(alphabet[digit])
    body = f"91{division}{''.join(reversed(digits))}"
    return body + validators.credit_code_check_character(body)


def generate(*, campaign: Campaign, counties: list[SyntheticCounty], clues: int, records: int,
             seed: int) -> Generated:
    """Write the ledger and the office's work of the synthetic province (the caller holds the transaction)."""
    generator = Generator(campaign=campaign, counties=counties, seed=seed)
    planned = generator.plan_clues(clues)
    written_records = generator.write_records(planned, records)
    bulk_write.write_rows(Clue, Generator.CLUE_COLUMNS, generator.clue_rows(planned))
    behaviours, problems = generator.clue_links(planned)
    bulk_write.write_rows(Clue.behaviours.through, ("clue_id", "term_id"), behaviours)
    bulk_write.write_rows(Clue.problems.through, ("clue_id", "term_id"), problems)
    assessments, key_clues, disposals = generator.write_review(planned)
    generator.write_submissions()
    generator.write_history()
    bulk_write.reset_sequences(KEYED)
    entities = sum(clue.new_entity for clue in planned) + written_records - len(planned)
    return Generated(entities, written_records, len(planned), assessments, key_clues, disposals)
