"""The objects the authorization matrix reaches: one of each kind for the own township, a sibling township and a township of
another county, built once per module from the ``tree`` of tests/conftest.py."""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile

from ledger import credit
from ledger import services as ledger_services
from ledger.models import Clue
from ledger.services import EntityData, RecordData
from orgs.models import LeadingGroup, Membership, Unit
from oversight import services as oversight_services
from oversight.models import Briefing, Filing
from reports import services as report_services
from review import services as review_services
from review.services import DisposalPlan
from screening.locks import today_local
from screening.models import Phase
from tests.conftest import Tree, build_clue_data, build_open_campaign, build_tree, campaign_term
from tests.factories import UnitFactory, expect, member
from tests.reports.received_books import exported, upload
from tips import services as tip_services

SCOPES = ("own", "sibling", "other_county")


@dataclass
class World:
    tree: Tree
    objects: dict[str, dict[str, object]] = field(default_factory=dict)  # kind → scope → object

    def of(self, kind: str, scope: str):
        return self.objects[kind][scope]


def build_world() -> World:
    tree = build_tree()
    R = Membership.Role
    tree.units["other_office"] = UnitFactory(name="乙县处非办", code="B-O", level=Unit.Level.COUNTY,
                                             kind=Unit.Kind.OFFICE, parent=tree.unit("other_county"))
    tree.users["sibling_staff"] = member(tree.unit("sibling_township"), R.STAFF, username="sibling_staff")
    tree.users["other_staff"] = member(tree.unit("other_township"), R.STAFF, username="other_staff")
    tree.users["other_office"] = member(tree.unit("other_office"), R.OFFICE, username="other_office")
    for government, office in (("city", "city_office"), ("county", "office"), ("other_county", "other_office")):
        LeadingGroup.objects.create(government=tree.unit(government), office=tree.unit(office))

    campaign = build_open_campaign(issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"))
    expect(campaign, tree.unit("township"), tree.unit("sibling_township"), tree.unit("department"))
    other_campaign = build_open_campaign(issuing_unit=tree.unit("other_office"), scope_unit=tree.unit("other_county"),
                                         slug="other")
    expect(other_campaign, tree.unit("other_township"))

    world = World(tree)
    scopes = {
        # scope: (campaign, unit, its staff, the office above it)
        "own": (campaign, "township", "staff", "office"),
        "sibling": (campaign, "sibling_township", "sibling_staff", "office"),
        "other_county": (other_campaign, "other_township", "other_staff", "other_office"),
    }
    for scope, (scope_campaign, unit_name, staff_name, office_name) in scopes.items():
        unit, staff, office = tree.unit(unit_name), tree.user(staff_name), tree.user(office_name)
        term = partial(campaign_term, scope_campaign)
        clue = ledger_services.clue_submit(actor=staff, clue=ledger_services.clue_create(
            actor=staff, campaign=scope_campaign, unit=unit, data=build_clue_data(term)))
        disposal = review_services.disposal_save(actor=office, clue=clue, plan=DisposalPlan(
            responsible_unit=unit, track="rectify", measures=[term("规范整改")],
            deadline=today_local() + timedelta(days=5)))
        Phase.objects.get_or_create(campaign=scope_campaign, kind=Phase.Kind.MOBILISATION, defaults={
            "start": today_local() - timedelta(days=10), "end": today_local(), "deadline": today_local()})
        briefing = oversight_services.briefing_file(
            actor=staff, campaign=scope_campaign, unit=unit, kind=Briefing.Kind.CASE, title="典型案例", text="x",
            day=today_local(), files=[SimpleUploadedFile("案例.pdf", b"%PDF-1.4")])
        filing = oversight_services.filing_save(
            actor=staff, campaign=scope_campaign, unit=unit, kind=Filing.Kind.PLAN, text="实施方案",
            files=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4")])
        bulletin = oversight_services.bulletin_issue(
            actor=office, campaign=scope_campaign, issuer=unit.parent, briefings=[briefing], title="工作简报",
            day=today_local())
        inspection = oversight_services.inspection_record(
            actor=office, campaign=scope_campaign, unit=unit, day=today_local(), inspectors="督导组", findings="台账不全",
            actions=[oversight_services.ActionPlan("补齐台账", today_local() + timedelta(days=5))])
        tip, _secret = tip_services.tip_file(
            address=f"192.0.2.{len(world.objects.get('tip', {})) + 1}",
            data=tip_services.TipData(county=unit.parent, what="承诺高额返利", place="某写字楼", entity_name="某投资公司",
                                      reporter_name="举报人"),
            files=[SimpleUploadedFile("举报.pdf", b"%PDF-1.4")])
        tip = tip_services.tip_assign(actor=office, tip=tip_services.tip_register(actor=office, tip=tip), unit=unit)
        [entity_record] = ledger_services.records_create(actor=staff, campaign=scope_campaign, unit=unit, rows=[
            RecordData(entity=EntityData(name=f"信用记录主体{scope}"), sector=term("网络借贷平台"))])
        credit.person_add(actor=staff, entity=entity_record.entity, name="李四", role="legal_representative")
        watch_entry = credit.watch_list_add(actor=office, unit=unit, entity=entity_record.entity, reason="多次被举报")
        run = report_services.report_run_request(actor=staff, kind="ledger", campaign=scope_campaign, unit=unit)
        # A village of the township that does not report in the system sends its attachment 1 as a table.
        village = UnitFactory(name=f"{unit.name}报表村", code=f"{unit.code}-R", level=Unit.Level.VILLAGE, parent=unit)
        [received] = report_services.received_tables_save(
            actor=office, campaign=scope_campaign, unit=village, uploaded_file=upload(exported(scope_campaign, village)))
        objects = {
            "campaign": scope_campaign,
            "unit": unit,
            "clue": clue,
            "draft": ledger_services.clue_create(actor=staff, campaign=scope_campaign, unit=unit,
                                                 data=build_clue_data(term, entity={"name": "草稿公司", "credit_code": ""})),
            "record": clue.record,
            "evidence": ledger_services.evidence_add(actor=staff, clue=clue,
                                                     uploaded_file=SimpleUploadedFile("证据.pdf", b"%PDF-1.4")),
            "disposal": disposal,
            "disposal_file": review_services.task_file_add(actor=staff, disposal=disposal,
                                                           uploaded_file=SimpleUploadedFile("整改.pdf", b"%PDF-1.4")),
            "run": report_services.report_run_execute(run_id=run.pk),
            "term": term("网络借贷平台"),
            "briefing": briefing,
            "briefing_file": briefing.files.get(),
            "filing": filing,
            "filing_file": filing.files.get(),
            "bulletin": bulletin,
            "inspection": inspection,
            "inspection_action": inspection.actions.get(),
            "tip": tip,
            "tip_file": tip.files.get(),
            "entity": entity_record.entity,
            "watch_entry": watch_entry,
            "received": received,
        }
        for kind, obj in objects.items():
            world.objects.setdefault(kind, {})[scope] = obj
    _across_counties(world)
    assert Clue.objects.count() == 6
    return world


def _across_counties(world: World) -> None:
    """A notice is reached by the county notified: the own one was sent by 乙县 to 甲县, the other county's by 甲县 to
    乙县. A joint case is reached by the counties named in it: the own one has 甲县 lead, the other county's names 乙县
    and 丙县 only. There is no sibling township's notice or case: they are a county's, and staff reach none."""
    tree = world.tree
    third = UnitFactory(name="丙县", code="D", level=Unit.Level.COUNTY, parent=tree.unit("city"))
    own_clue, other_clue = world.of("clue", "own"), world.of("clue", "other_county")
    world.objects["notice"] = {
        "own": review_services.notice_send(actor=tree.user("other_office"), clue=other_clue,
                                           to_county=tree.unit("county"), note="该主体在贵县经营"),
        "other_county": review_services.notice_send(actor=tree.user("office"), clue=own_clue,
                                                    to_county=tree.unit("other_county")),
    }
    city, city_office = tree.unit("city"), tree.user("city_office")
    world.objects["case"] = {
        "own": review_services.case_open(actor=city_office, city=city, title="跨县集资案", description="",
                                         lead=tree.unit("county"), assisting=[tree.unit("other_county")],
                                         clues=[own_clue, other_clue]),
        "other_county": review_services.case_open(actor=city_office, city=city, title="乙丙两县集资案", description="",
                                                  lead=tree.unit("other_county"), assisting=[third],
                                                  clues=[other_clue]),
    }
