import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledger import services
from ledger.models import Evidence, ScreeningRecord
from ledger.services import EntityData, RecordData, StaleEdit
from orgs import uploads
from tests.ledger.test_views import create
from tests.orgs.test_pages import login


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def record_form(tree, term, **overrides) -> dict:
    return {
        "unit": tree.unit("township").pk, "name": "某某理财工作室", "credit_code": "",
        "sector": term("民间投融资中介机构").pk, "method": term("扫街排查").pk, "area": term("临街门店商铺").pk,
        "screened_on": "2026-01-05",
        "result": ScreeningRecord.Result.NO_PROBLEM,
    } | overrides


def record_edit_form(record, **overrides) -> dict:
    return {
        "version": record.version, "name": record.entity.name, "credit_code": record.entity.credit_code or "",
        "sector": record.sector_id, "behaviours": [t.pk for t in record.behaviours.all()],
        "method": record.method_id or "", "area": record.area_id or "", "screened_on": record.screened_on.isoformat(),
        "result": record.result,
    } | overrides


def add_record(tree, campaign, term, name="某某理财工作室") -> ScreeningRecord:
    [record] = services.records_create(
        actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
        rows=[RecordData(entity=EntityData(name=name), sector=term("民间投融资中介机构"))],
    )
    return record


def test_staff_add_a_screening_record_and_find_it_in_the_list(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:record_create", args=[open_campaign.slug]), record_form(tree, term))
    assert response.status_code == 302
    record = ScreeningRecord.objects.get()
    assert (record.entity.name, record.method, record.screened_on.isoformat()) == (
        "某某理财工作室", term("扫街排查"), "2026-01-05"
    )
    listing = client.get(reverse("ledger:record_list", args=[open_campaign.slug]))
    assert list(listing.context["page"]) == [record]
    assert reverse("ledger:record_edit", args=[record.pk]) in listing.content.decode()


def test_the_same_institution_twice_is_refused_on_the_form(client, tree, open_campaign, term):
    add_record(tree, open_campaign, term)
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:record_create", args=[open_campaign.slug]), record_form(tree, term))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ScreeningRecord.objects.count() == 1


def test_the_record_list_filters_by_result_and_text(client, tree, open_campaign, term, clue_data):
    plain = add_record(tree, open_campaign, term)
    problem = create(tree, open_campaign, clue_data()).record
    login(client, tree.user("office"))
    url = reverse("ledger:record_list", args=[open_campaign.slug])
    assert set(client.get(url).context["page"]) == {plain, problem}
    assert list(client.get(url, {"result": "problem"}).context["page"]) == [problem]
    assert list(client.get(url, {"text": "工作室"}).context["page"]) == [plain]


def test_a_record_is_edited_and_a_stale_edit_refused(client, tree, open_campaign, term):
    record = add_record(tree, open_campaign, term)
    login(client, tree.user("staff"))
    url = reverse("ledger:record_edit", args=[record.pk])
    assert client.post(url, record_edit_form(record, area=term("写字楼").pk)).status_code == 302
    stale = client.post(url, record_edit_form(record, area=term("农贸市场").pk))
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    record.refresh_from_db()
    assert record.area == term("写字楼") and record.version == 2


def test_a_record_with_a_clue_keeps_the_clues_entity_and_sector(client, tree, open_campaign, term, clue_data):
    record = create(tree, open_campaign, clue_data()).record
    login(client, tree.user("staff"))
    url = reverse("ledger:record_edit", args=[record.pk])
    moved = record_edit_form(record, sector=term("众筹平台").pk, name="别的公司", area=term("写字楼").pk)
    assert client.post(url, moved).status_code == 302
    record.refresh_from_db()
    assert (record.sector, record.entity.name, record.area) == (term("网络借贷平台"), "天津某某投资管理有限公司",
                                                                term("写字楼"))
    refused = client.post(url, record_edit_form(record, result=ScreeningRecord.Result.NO_PROBLEM))
    assert "result" in refused.context["form"].errors


def test_the_service_refuses_to_move_a_record_away_from_its_clue(tree, open_campaign, term, clue_data):
    record = create(tree, open_campaign, clue_data()).record
    data = RecordData(entity=EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43"),
                      sector=term("众筹平台"), result=ScreeningRecord.Result.PROBLEM)
    with pytest.raises(ValidationError):
        services.record_update(actor=tree.user("staff"), record=record, data=data, expected_version=record.version)
    with pytest.raises(StaleEdit):
        services.record_update(actor=tree.user("staff"), record=record, data=data, expected_version=record.version - 1)


def test_a_record_keeps_the_behaviours_of_its_clue(tree, open_campaign, term, clue_data):
    record = create(tree, open_campaign, clue_data()).record
    data = RecordData(entity=EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43"),
                      sector=term("网络借贷平台"), behaviours=[term("资金互助")], result=ScreeningRecord.Result.PROBLEM)
    record = services.record_update(actor=tree.user("staff"), record=record, data=data,
                                    expected_version=record.version)
    assert {t.name for t in record.behaviours.all()} == {"消费返利", "资金互助"}


def test_a_record_whose_clue_was_withdrawn_is_edited_freely(client, tree, open_campaign, term, clue_data):
    clue = create(tree, open_campaign, clue_data(behaviours=[term("消费返利")]))
    services.clue_withdraw(actor=tree.user("staff"), clue=clue, reason="经核实无风险")
    record = ScreeningRecord.objects.get(pk=clue.record_id)
    login(client, tree.user("staff"))
    edited = record_edit_form(record, behaviours=[term("资金互助").pk], result=ScreeningRecord.Result.NO_PROBLEM)
    response = client.post(reverse("ledger:record_edit", args=[record.pk]), edited)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.result == ScreeningRecord.Result.NO_PROBLEM
    assert {t.name for t in record.behaviours.all()} == {"资金互助"}


def test_staff_of_another_unit_cannot_open_a_record(client, tree, open_campaign, term):
    record = add_record(tree, open_campaign, term)
    login(client, tree.user("department_staff"))
    assert client.get(reverse("ledger:record_edit", args=[record.pk])).status_code == 404


def test_a_withdrawn_clue_takes_no_more_files(tree, open_campaign, clue_data):
    clue = services.clue_withdraw(actor=tree.user("staff"), clue=create(tree, open_campaign, clue_data()),
                                  reason="重复录入")
    with pytest.raises(ValidationError):
        services.evidence_add(actor=tree.user("staff"), clue=clue, uploaded_file=SimpleUploadedFile("a.jpg", b"x"))
    assert not Evidence.objects.exists()


def test_a_file_too_large_is_refused_at_the_file_field(client, tree, open_campaign, clue_data, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MB", 0)
    clue = create(tree, open_campaign, clue_data())
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:evidence_upload", args=[clue.pk]),
                           {"file": SimpleUploadedFile("大文件.pdf", b"%PDF-1.4")})
    assert not Evidence.objects.exists()
    assert response.context["evidence_form"].errors == {"file": ["单个文件不能超过 0 MB。"]}


def record_data(term, name, sector="民间投融资中介机构", **fields) -> RecordData:
    return RecordData(entity=EntityData(name=name), sector=term(sector), **fields)


def test_moving_a_record_onto_an_institution_the_unit_screened_is_refused(tree, open_campaign, term):
    add_record(tree, open_campaign, term, name="甲投资")
    other = add_record(tree, open_campaign, term, name="乙投资")
    with pytest.raises(ValidationError) as refused:
        services.record_update(actor=tree.user("staff"), record=other, data=record_data(term, "甲投资"),
                               expected_version=other.version)
    assert refused.value.messages == ["本单位已在“民间投融资中介机构”中排查过甲投资。"]
    other.refresh_from_db()
    assert other.entity.name == "乙投资"


def test_a_record_may_move_onto_an_institution_screened_elsewhere_or_in_another_sector(tree, open_campaign, term):
    services.records_create(actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"),
                            rows=[record_data(term, "甲投资")])
    add_record(tree, open_campaign, term, name="丙投资")
    record = add_record(tree, open_campaign, term, name="乙投资")
    record = services.record_update(actor=tree.user("staff"), record=record, data=record_data(term, "甲投资"),
                                    expected_version=record.version)
    assert record.entity.name == "甲投资"
    record = services.record_update(actor=tree.user("staff"), record=record,
                                    data=record_data(term, "丙投资", sector="教育机构"), expected_version=record.version)
    assert (record.entity.name, record.sector.name) == ("丙投资", "教育机构")


def test_an_edit_is_recorded_with_who_made_it_and_a_new_entity_too(tree, open_campaign, term):
    record = add_record(tree, open_campaign, term, name="乙投资")
    record = services.record_update(actor=tree.user("staff"), record=record, data=record_data(term, "新名称投资"),
                                    expected_version=record.version)
    assert record.history.first().history_user == tree.user("staff")
    assert record.entity.history.first().history_user == tree.user("staff")


def test_the_refusals_of_an_edit_say_why(tree, open_campaign, term, clue_data):
    record = create(tree, open_campaign, clue_data()).record
    moved = RecordData(entity=EntityData(name="天津某某投资管理有限公司", credit_code="91350100M000100Y43"),
                       sector=term("众筹平台"), result=ScreeningRecord.Result.PROBLEM)
    with pytest.raises(ValidationError) as refused:
        services.record_update(actor=tree.user("staff"), record=record, data=moved, expected_version=record.version)
    assert refused.value.messages == ["该排查记录已有风险线索，市场主体和所属行业请在线索中修改。"]
    with pytest.raises(StaleEdit) as stale:
        services.record_update(actor=tree.user("staff"), record=record, data=moved, expected_version=record.version - 1)
    assert str(stale.value) == "您打开此排查记录后，已有其他人保存了修改。请刷新页面查看最新内容；您的修改未保存。"


def test_evidence_is_refused_for_a_withdrawn_clue_with_the_reason(tree, open_campaign, clue_data):
    clue = services.clue_withdraw(actor=tree.user("staff"), clue=create(tree, open_campaign, clue_data()), reason="重复")
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(actor=tree.user("staff"), clue=clue, uploaded_file=SimpleUploadedFile("a.jpg", b"x"))
    assert refused.value.messages == ["已撤回的线索不能再上传佐证材料。"]


def test_a_file_of_exactly_the_limit_is_taken_and_one_byte_more_refused_at_the_file(tree, open_campaign, clue_data,
                                                                                      monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MB", 1)
    clue = create(tree, open_campaign, clue_data())
    exactly = SimpleUploadedFile("刚好.pdf", b"%PDF-".ljust(1024 * 1024, b"0"))
    assert services.evidence_add(actor=tree.user("staff"), clue=clue, uploaded_file=exactly).name == "刚好.pdf"
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(actor=tree.user("staff"), clue=clue,
                              uploaded_file=SimpleUploadedFile("多一字节.pdf", b"%PDF-".ljust(1024 * 1024 + 1, b"0")))
    assert refused.value.message_dict == {"file": ["单个文件不能超过 1 MB。"]}
    assert Evidence.objects.count() == 1


def test_a_long_file_name_is_kept_to_what_the_list_can_hold(tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    name = "现场照片" * 60 + ".jpg"
    photo = SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 jpeg")
    evidence = services.evidence_add(actor=tree.user("staff"), clue=clue, uploaded_file=photo)
    assert evidence.name == name[:200] and evidence.uploaded_by == tree.user("staff")
