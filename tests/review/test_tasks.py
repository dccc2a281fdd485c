"""The responsible unit's side of a disposal (一事一策): 一街道 (user staff) reported the clue, the county office (user
office) made 甲县市场监管局 (user department_staff) responsible for its disposal; the city office (user city_office)
stands above the county office."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ledger import services as ledger_services
from orgs import services as orgs_services
from orgs.models import Notification
from review import services
from review.models import Disposal, DisposalFile, ProgressNote
from review.services import DisposalPlan, Scores
from screening.locks import today_local
from tests.factories import member
from tests.ledger.test_evidence_files import COMPOUND_DOCUMENT, NOT_WHAT_IT_SAYS, PAGE, assert_a_download_not_to_open
from tests.orgs.test_pages import login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def plan(tree, term, **overrides) -> DisposalPlan:
    fields = {
        "responsible_unit": tree.unit("department"), "track": "rectify", "measures": [term("警示约谈")],
        "deadline": today_local() + timedelta(days=10), "instructions": "约谈法定代表人，十日内报送整改方案",
    }
    return DisposalPlan(**(fields | overrides))


@pytest.fixture
def task(tree, submitted, term) -> Disposal:
    office = tree.user("office")
    services.clue_rate(actor=office, clue=submitted, scores=Scores(5, 5, 5, 5), notes="内部研判意见")
    return services.disposal_save(actor=office, clue=submitted, plan=plan(tree, term))


def told(username: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient__username=username).order_by("pk"))


# The list and the page -----------------------------------------------------------------------------------------------


def test_the_responsible_unit_sees_its_task_with_what_the_office_asked(client, tree, task):
    login(client, tree.user("department_staff"))
    response = client.get(reverse("review:tasks"))
    assert [line.disposal for line in response.context["lines"]] == [task]
    listed = response.content.decode()
    for shown in ("天津某某投资管理有限公司", "网络借贷平台", "120.50", "35", "警示约谈", "拟处置",
                  (today_local() + timedelta(days=10)).isoformat()):
        assert shown in listed, shown
    page = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert "约谈法定代表人，十日内报送整改方案" in page and "警示约谈" in page and "120.50" in page


def test_the_task_shows_nothing_of_the_rating(client, tree, task):
    login(client, tree.user("department_staff"))
    for url in (reverse("review:tasks"), reverse("review:task", args=[task.pk])):
        page = client.get(url).content.decode()
        assert "内部研判意见" not in page and "level-high" not in page and "研判" not in page, url


def test_the_menu_offers_the_tasks_to_staff_whose_unit_has_some(client, tree, task):
    login(client, tree.user("department_staff"))
    home = client.get(reverse("home")).content.decode()
    assert reverse("review:tasks") in home and 'data-open-tasks>1' in home
    client.post(reverse("logout"))
    for user in ("staff", "office"):
        login(client, tree.user(user))
        assert reverse("review:tasks") not in client.get(reverse("home")).content.decode(), user
        client.post(reverse("logout"))


def test_a_finished_task_stays_listed_after_the_open_ones_and_is_never_overdue(client, tree, report, task, term):
    other = report(entity={"name": "另一家公司", "credit_code": ""})
    finished = services.disposal_save(actor=tree.user("office"), clue=other, plan=plan(
        tree, term, stage="finished", deadline=today_local() - timedelta(days=5)))
    login(client, tree.user("department_staff"))
    lines = client.get(reverse("review:tasks")).context["lines"]
    assert [(line.disposal, line.days_overdue) for line in lines] == [(task, 0), (finished, 0)]
    home = client.get(reverse("home")).content.decode()
    assert 'data-open-tasks>1' in home


def test_a_withdrawn_clue_takes_its_task_away(client, tree, task, submitted):
    ledger_services.clue_withdraw(actor=tree.user("staff"), clue=submitted, reason="重复录入")
    login(client, tree.user("department_staff"))
    assert list(client.get(reverse("review:tasks")).context["lines"]) == []
    assert client.get(reverse("review:task", args=[task.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.task_progress_add(actor=tree.user("department_staff"), disposal=task, on=today_local(), text="x")


def test_an_overdue_task_says_so_in_the_list(client, tree, task):
    Disposal.objects.filter(pk=task.pk).update(deadline=today_local() - timedelta(days=2))
    login(client, tree.user("department_staff"))
    response = client.get(reverse("review:tasks"))
    assert [line.days_overdue for line in response.context["lines"]] == [2]
    assert "逾期 2 天" in response.content.decode()
    assert "逾期 2 天" in client.get(reverse("review:task", args=[task.pk])).content.decode()


def test_the_task_list_reads_a_constant_number_of_queries(client, tree, open_campaign, clue_data, term,
                                                          django_assert_max_num_queries):
    office = tree.user("office")

    def assign(count, start):
        rows = [clue_data(entity={"name": f"公司{start + i}", "credit_code": ""}) for i in range(count)]
        for clue in ledger_services.clues_create(actor=tree.user("staff"), campaign=open_campaign,
                                                 unit=tree.unit("township"), rows=rows, submit=True):
            services.disposal_save(actor=office, clue=clue, plan=plan(tree, term))

    assign(2, 0)
    login(client, tree.user("department_staff"))
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(reverse("review:tasks")).context["lines"]) == 2
    assign(20, 2)
    with django_assert_max_num_queries(len(two)):
        assert len(client.get(reverse("review:tasks")).context["lines"]) == 22


# Acting on the task --------------------------------------------------------------------------------------------------


def test_progress_noted_by_the_responsible_unit_tells_the_office(client, tree, task, submitted):
    login(client, tree.user("department_staff"))
    response = client.post(reverse("review:task_progress", args=[task.pk]),
                           {"on": today_local().isoformat(), "text": "已约谈法定代表人"})
    assert response.status_code == 302
    note = ProgressNote.objects.get(disposal=task)
    assert (note.text, note.author, note.stage_reported) == ("已约谈法定代表人", tree.user("department_staff"), "")
    [notice] = told("office")
    assert "天津某某投资管理有限公司" in notice.title and "已约谈法定代表人" in notice.body
    assert "甲县市场监管局" in notice.body
    assert notice.link == reverse("review:clue", args=[submitted.pk]) + "#progress"
    assert told("city_office") == []  # the office directly above the clue's unit, not every one up to the city
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    assert "已约谈法定代表人" in client.get(reverse("review:clue", args=[submitted.pk])).content.decode()


def test_a_progress_note_must_say_something_and_not_be_dated_ahead(client, tree, task):
    login(client, tree.user("department_staff"))
    url = reverse("review:task_progress", args=[task.pk])
    tomorrow = client.post(url, {"on": (today_local() + timedelta(days=1)).isoformat(), "text": "x"})
    assert tomorrow.status_code == 200 and "on" in tomorrow.context["progress_form"].errors
    assert not ProgressNote.objects.exists() and told("office") == []


def test_the_responsible_unit_reports_a_stage_done(client, tree, task, submitted):
    login(client, tree.user("department_staff"))
    url = reverse("review:task_stage", args=[task.pk])
    assert client.post(url, {"stage": "under_way", "text": "已下达整改通知书"}).status_code == 302
    assert Disposal.objects.get(pk=task.pk).stage == "under_way"
    assert client.post(url, {"stage": "finished", "text": "整改完毕，已复查"}).status_code == 302
    task.refresh_from_db()
    assert task.stage == "finished"
    assert list(task.notes.values_list("stage_reported", "text")) == [
        ("under_way", "已下达整改通知书"), ("finished", "整改完毕，已复查")]
    assert [n.title for n in told("office")] == ["处置阶段报告：天津某某投资管理有限公司"] * 2
    assert "处置完毕" in told("office")[1].body
    assert task.history.first().history_user == tree.user("department_staff")
    page = client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert 'action="%s"' % url not in page  # nothing left to report


def test_a_stage_is_reported_forward_only(client, tree, task):
    services.task_stage_report(actor=tree.user("department_staff"), disposal=task, stage="under_way", text="已启动")
    login(client, tree.user("department_staff"))
    response = client.post(reverse("review:task_stage", args=[task.pk]), {"stage": "planned", "text": "退回"})
    assert response.status_code == 200 and "stage" in response.context["stage_form"].errors
    with pytest.raises(ValidationError) as refused:
        services.task_stage_report(actor=tree.user("department_staff"), disposal=task, stage="planned", text="退回")
    assert "正在处置" in str(refused.value)
    assert Disposal.objects.get(pk=task.pk).stage == "under_way"


def test_an_investigation_reports_the_date_its_case_was_filed(client, tree, submitted, term):
    task = services.disposal_save(actor=tree.user("office"), clue=submitted, plan=plan(tree, term, track="investigate"))
    login(client, tree.user("department_staff"))
    url = reverse("review:task_stage", args=[task.pk])
    response = client.post(url, {"stage": "under_way", "text": "已立案"})
    assert response.status_code == 200 and "case_filed_on" in response.context["stage_form"].errors
    client.post(url, {"stage": "under_way", "text": "已立案", "case_filed_on": today_local().isoformat()})
    assert Disposal.objects.get(pk=task.pk).case_filed_on == today_local()


def test_the_responsible_unit_adds_files_the_office_can_read_and_the_reporter_cannot(client, tree, task, submitted):
    login(client, tree.user("department_staff"))
    response = client.post(reverse("review:task_file", args=[task.pk]),
                           {"file": SimpleUploadedFile("约谈笔录.pdf", b"%PDF-1.4 talk")})
    assert response.status_code == 302
    added = DisposalFile.objects.get()
    assert (added.name, added.uploaded_by) == ("约谈笔录.pdf", tree.user("department_staff"))
    download = reverse("review:disposal_file", args=[added.pk])
    assert download in client.get(reverse("review:task", args=[task.pk])).content.decode()
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 talk"
    assert "约谈笔录.pdf" in told("office")[0].body
    client.post(reverse("logout"))

    login(client, tree.user("office"))
    assert download in client.get(reverse("review:clue", args=[submitted.pk])).content.decode()
    assert client.get(download).status_code == 200
    client.post(reverse("logout"))
    for user in ("staff", "leader"):
        login(client, tree.user(user))
        assert client.get(download).status_code == 404, user
        client.post(reverse("logout"))


def test_a_file_above_the_limit_is_refused_at_the_field(client, tree, task, settings, monkeypatch):
    monkeypatch.setattr("orgs.uploads.MAX_MB", 0)
    login(client, tree.user("department_staff"))
    response = client.post(reverse("review:task_file", args=[task.pk]), {"file": SimpleUploadedFile("大.pdf", b"xx")})
    assert response.status_code == 200 and "file" in response.context["file_form"].errors
    assert not DisposalFile.objects.exists()



def test_the_disposal_files_are_checked_alike(client, tree, task):
    login(client, tree.user("department_staff"))
    url = reverse("review:task_file", args=[task.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("网页改名.pdf", PAGE)})
    assert refused.context["file_form"].errors["file"] == [NOT_WHAT_IT_SAYS.format(name="网页改名.pdf", kind="PDF")]
    assert client.post(url, {"file": SimpleUploadedFile("约谈笔录.wps", COMPOUND_DOCUMENT)}).status_code == 302
    assert list(DisposalFile.objects.values_list("name", flat=True)) == ["约谈笔录.wps"]


def test_the_disposal_file_download_is_an_attachment_the_browser_does_not_sniff(client, tree, task):
    login(client, tree.user("department_staff"))
    client.post(reverse("review:task_file", args=[task.pk]), {"file": SimpleUploadedFile("笔录.txt", b"note")})
    added = DisposalFile.objects.get()
    assert_a_download_not_to_open(client.get(reverse("review:disposal_file", args=[added.pk])), "txt")


# The office's side ---------------------------------------------------------------------------------------------------


def test_a_new_task_is_announced_to_the_responsible_unit(tree, task):
    [notice] = told("department_staff")
    assert notice.title == "新的处置任务：天津某某投资管理有限公司"
    assert "约谈法定代表人，十日内报送整改方案" in notice.body and "警示约谈" in notice.body
    assert notice.link == reverse("review:task", args=[task.pk])
    assert told("staff") == []  # the reporting unit is not the responsible one


def test_the_new_task_is_mailed_with_its_link(tree, report, term, django_capture_on_commit_callbacks):
    staff = tree.user("department_staff")
    staff.email = "scjg@example.gov.cn"
    staff.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        task = services.disposal_save(actor=tree.user("office"), clue=report(), plan=plan(tree, term))
    [message] = mail.outbox
    assert message.to == ["scjg@example.gov.cn"] and message.subject == "新的处置任务：天津某某投资管理有限公司"
    assert message.body.endswith(reverse("review:task", args=[task.pk]))


def test_the_responsible_unit_hears_of_a_change_of_its_task_only(tree, task, submitted, term):
    office = tree.user("office")
    services.disposal_save(actor=office, clue=submitted, plan=plan(tree, term, handling_result="停业整改"))
    assert len(told("department_staff")) == 1  # the office's own bookkeeping is no news to the unit
    services.disposal_save(actor=office, clue=submitted, plan=plan(tree, term, deadline=today_local()))
    assert told("department_staff")[-1].title == "处置任务有变更：天津某某投资管理有限公司"


def test_a_task_handed_to_another_unit_tells_both(tree, task, submitted, term):
    services.disposal_save(actor=tree.user("office"), clue=submitted,
                           plan=plan(tree, term, responsible_unit=tree.unit("township")))
    assert told("department_staff")[-1].title == "处置任务已移交：天津某某投资管理有限公司"
    assert told("staff")[-1].title == "新的处置任务：天津某某投资管理有限公司"


def test_a_note_of_the_office_reaches_the_responsible_unit(tree, task, submitted):
    services.progress_add(actor=tree.user("office"), clue=submitted, on=today_local(), text="请于周五前报送材料")
    notice = told("department_staff")[-1]
    assert notice.title == "处非办留言：天津某某投资管理有限公司" and notice.body == "请于周五前报送材料"


def test_staff_of_a_township_act_for_its_villages_tasks(tree, submitted, term):
    task = services.disposal_save(actor=tree.user("office"), clue=submitted,
                                  plan=plan(tree, term, responsible_unit=tree.unit("village")))
    village_staff = member(tree.unit("village"), "staff", username="village_staff")
    for user in (village_staff, tree.user("staff")):
        services.task_progress_add(actor=user, disposal=task, on=today_local(), text=f"{user.username} 已核查")
    assert task.notes.count() == 2


def test_the_task_notices_are_written_in_the_sites_language_whatever_the_office_reads(tree, report, term):
    with translation.override("en"):
        task = services.disposal_save(actor=tree.user("office"), clue=report(), plan=plan(tree, term))
        services.task_progress_add(actor=tree.user("department_staff"), disposal=task, on=today_local(), text="已约谈")
    assert told("department_staff")[0].title == "新的处置任务：天津某某投资管理有限公司"
    assert told("office")[0].title.startswith("处置进展")


def test_a_stage_once_reported_is_not_reported_again_and_each_refusal_is_at_its_field(tree, task):
    staff = tree.user("department_staff")
    services.task_stage_report(actor=staff, disposal=task, stage="under_way", text="已启动")
    with pytest.raises(ValidationError) as refused:
        services.task_stage_report(actor=staff, disposal=task, stage="under_way", text="  ")
    assert refused.value.message_dict == {"stage": ["该任务已处于“正在处置”阶段，请报告后续阶段。"],
                                          "text": ["请说明已做的工作。"]}


def test_an_investigations_case_date_is_asked_for_at_its_field_and_never_ahead(tree, submitted, term):
    task = services.disposal_save(actor=tree.user("office"), clue=submitted, plan=plan(tree, term, track="investigate"))
    report = services.task_stage_report
    for filed_on, expected in ((None, "请填写刑事立案日期。"), (today_local() + timedelta(days=1), "立案日期不能晚于今天。")):
        with pytest.raises(ValidationError) as refused:
            report(actor=tree.user("department_staff"), disposal=task, stage="under_way", text="已立案",
                   case_filed_on=filed_on)
        assert refused.value.message_dict == {"case_filed_on": [expected]}


def test_whoever_acts_on_a_task_is_not_told_of_it_by_the_bell(tree, task):
    """Someone who works in the office and also enters for the responsible unit hears of the others' work only."""
    both = tree.user("office")
    orgs_services.membership_set(actor=None, user=both, unit=tree.unit("department"), role="staff")
    colleague = member(tree.unit("office"), "office", username="colleague")
    services.task_progress_add(actor=both, disposal=task, on=today_local(), text="已约谈")
    services.task_stage_report(actor=both, disposal=task, stage="under_way", text="已启动")
    services.task_file_add(actor=both, disposal=task, uploaded_file=SimpleUploadedFile("笔录.pdf", b"%PDF-1.4 x"))
    assert len(told(colleague.username)) == 3
    assert [n for n in told("office") if "笔录" in n.body or "已约谈" in n.body or "已启动" in n.body] == []


def test_a_file_name_longer_than_the_page_can_keep_is_cut_to_fit(tree, task):
    longest = DisposalFile._meta.get_field("name").max_length
    added = services.task_file_add(actor=tree.user("department_staff"), disposal=task,
                                   uploaded_file=SimpleUploadedFile("m" * (longest + 20) + ".pdf", b"%PDF-1.4 x"))
    assert len(DisposalFile.objects.get(pk=added.pk).name) == longest
