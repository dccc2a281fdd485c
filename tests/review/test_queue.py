from datetime import timedelta

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import services
from ledger.models import Clue, ClueEvent
from review import services as review_services
from review.services import DisposalPlan, Scores
from screening.locks import today_local
from tests.browser_forms import defaults_of_selects, submitted
from tests.orgs.test_pages import login


def queue(campaign) -> str:
    return reverse("review:queue", args=[campaign.slug])


def listed(response) -> set[int]:
    return {row.clue.pk for row in response.context["rows"]}


def test_the_queue_shows_what_waits_for_the_office(client, tree, open_campaign, report):
    waiting = report()
    draft = report(entity={"name": "草稿公司", "credit_code": ""}, submit=False)
    accepted = report(entity={"name": "已接受公司", "credit_code": ""})
    review_services.clue_accept(actor=tree.user("office"), clue=accepted)
    login(client, tree.user("office"))
    response = client.get(queue(open_campaign))
    assert response.status_code == 200
    assert listed(response) == {waiting.pk}
    everything = client.get(queue(open_campaign), {"status": ""})
    assert listed(everything) == {waiting.pk, accepted.pk}  # drafts are still the staff's
    assert draft.pk not in listed(everything)


def test_bulk_accept(client, tree, open_campaign, report):
    first = report()
    second = report(entity={"name": "第二家公司", "credit_code": ""}, unit="department", user="department_staff")
    login(client, tree.user("office"))
    response = client.post(reverse("review:queue_accept", args=[open_campaign.slug]),
                           {"clue": [first.pk, second.pk], "next": queue(open_campaign) + "?unit="})
    assert response.status_code == 302 and response["Location"] == queue(open_campaign) + "?unit="
    assert set(Clue.objects.values_list("status", flat=True)) == {"accepted"}
    assert ClueEvent.objects.filter(kind="accepted", actor=tree.user("office")).count() == 2


def test_bulk_accept_is_all_or_nothing(client, tree, open_campaign, report):
    first = report()
    second = report(entity={"name": "第二家公司", "credit_code": ""})
    review_services.clue_accept(actor=tree.user("office"), clue=second)
    login(client, tree.user("office"))
    client.post(reverse("review:queue_accept", args=[open_campaign.slug]), {"clue": [first.pk, second.pk]})
    assert Clue.objects.get(pk=first.pk).status == "submitted"


def test_a_refused_bulk_accept_names_the_clue(client, tree, open_campaign, report):
    first = report()
    second = review_services.clue_accept(actor=tree.user("office"), clue=report(entity={"name": "第二家公司",
                                                                                          "credit_code": ""}))
    login(client, tree.user("office"))
    response = client.post(reverse("review:queue_accept", args=[open_campaign.slug]), {"clue": [first.pk, second.pk]})
    assert said(response) == ["未接受任何线索：\n第二家公司 (一街道)：只能接受已报送的线索。"]


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_bulk_return_sends_each_clue_back_with_the_one_reason(client, tree, open_campaign, report):
    first = report()
    second = review_services.clue_accept(actor=tree.user("office"), clue=report(
        entity={"name": "第二家公司", "credit_code": ""}, unit="department", user="department_staff"))
    login(client, tree.user("office"))
    response = client.post(reverse("review:queue_return", args=[open_campaign.slug]),
                           {"clue": [first.pk, second.pk], "reason": "请补充经营地址", "next": queue(open_campaign)})
    assert response.status_code == 302 and response["Location"] == queue(open_campaign)
    assert set(Clue.objects.values_list("status", "return_reason")) == {("returned", "请补充经营地址")}
    assert ClueEvent.objects.filter(kind="returned", reason="请补充经营地址").count() == 2
    assert said(response) == ["已将 2 条线索退回填报单位。"]


def test_bulk_return_needs_a_reason_and_is_all_or_nothing(client, tree, open_campaign, report):
    first = report()
    second = review_services.clue_return(actor=tree.user("office"), clue=report(
        entity={"name": "第二家公司", "credit_code": ""}), reason="第一次退回")
    login(client, tree.user("office"))
    url = reverse("review:queue_return", args=[open_campaign.slug])
    no_reason = client.post(url, {"clue": [first.pk], "reason": "  "})
    assert said(no_reason)[-1] == "未退回任何线索：\n请说明需要单位更正的内容。"
    refused = client.post(url, {"clue": [first.pk, second.pk], "reason": "请补充"})
    assert said(refused)[-1].splitlines() == ["未退回任何线索：", "第二家公司 (一街道)：只能退回已报送或已接受的线索。"]
    assert Clue.objects.get(pk=first.pk).status == "submitted"
    assert Clue.objects.get(pk=second.pk).return_reason == "第一次退回"


def test_the_queue_offers_return_for_accepted_clues_too(client, tree, open_campaign, report):
    accepted = review_services.clue_accept(actor=tree.user("office"), clue=report())
    login(client, tree.user("office"))
    page = client.get(queue(open_campaign), {"status": "accepted"}).content.decode()
    assert f'name="clue" value="{accepted.pk}"' in page
    assert reverse("review:queue_return", args=[open_campaign.slug]) in page


def test_bulk_accept_takes_only_clues_the_office_reviews(client, tree, open_campaign, report):
    from tests.factories import member

    clue = report()
    login(client, member(tree.unit("other_county"), "office"))
    client.post(reverse("review:queue_accept", args=[open_campaign.slug]), {"clue": [clue.pk]})
    client.post(reverse("review:queue_return", args=[open_campaign.slug]), {"clue": [clue.pk], "reason": "x"})
    assert Clue.objects.get(pk=clue.pk).status == "submitted"


def test_filters(client, tree, open_campaign, report, term):
    office = tree.user("office")
    township = report(entity={"registered_division": "120115", "operating_division": "120116"})
    department = report(unit="department", user="department_staff", sector=term("房地产"), behaviours=[],
                        entity={"name": "某某置业有限公司", "credit_code": ""})
    review_services.clue_rate(actor=office, clue=township, scores=Scores(5, 1, 1, 1))
    review_services.disposal_save(actor=office, clue=department, plan=DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[],
        deadline=today_local() - timedelta(days=2)))
    login(client, office)

    def found(**params):
        return listed(client.get(queue(open_campaign), params))

    assert found(unit=tree.unit("department").pk) == {department.pk}
    assert found(sector=term("房地产").pk) == {department.pk}
    assert found(sector=term("房地产").parent_id) == {department.pk}  # a group takes its items
    assert found(behaviour=term("消费返利").pk) == {township.pk}
    assert found(level="high") == {township.pk}
    assert found(flags="keyword") == {township.pk}  # 投资管理
    assert found(flags="cross_region") == {township.pk}
    assert found(flags="overdue") == {department.pk}
    assert found(flags=["keyword", "overdue"]) == set()
    assert found(due_by=today_local().isoformat()) == {department.pk}
    page = client.get(queue(open_campaign)).content.decode()
    assert "高" in page


def test_reported_by_another_unit_is_flagged(client, tree, open_campaign, report):
    ours = report()
    report(unit="department", user="department_staff")
    login(client, tree.user("office"))
    assert ours.pk in listed(client.get(queue(open_campaign), {"flags": "elsewhere"}))


def test_the_queue_reads_a_constant_number_of_queries(client, tree, open_campaign, clue_data,
                                                      django_assert_max_num_queries):
    staff = tree.user("staff")

    def add(count, start):
        rows = [clue_data(entity={"name": f"公司{start + i}", "credit_code": ""}) for i in range(count)]
        services.clues_create(actor=staff, campaign=open_campaign, unit=tree.unit("township"), rows=rows, submit=True)

    add(3, 0)
    for clue in Clue.objects.all()[:1]:
        review_services.clue_rate(actor=tree.user("office"), clue=clue, scores=Scores(3, 3, 3, 3))
    login(client, tree.user("office"))
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(queue(open_campaign)).context["rows"]) == 3
    add(27, 3)
    with django_assert_max_num_queries(len(three)):
        assert len(client.get(queue(open_campaign)).context["rows"]) == 30


def test_fifty_rows_a_page(client, tree, open_campaign, clue_data):
    rows = [clue_data(entity={"name": f"公司{i}", "credit_code": ""}) for i in range(51)]
    services.clues_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=rows,
                          submit=True)
    login(client, tree.user("office"))
    assert len(client.get(queue(open_campaign)).context["rows"]) == 50
    second = client.get(queue(open_campaign), {"page": 2, "status": "submitted"})
    assert len(second.context["rows"]) == 1


def test_a_clue_merged_into_another_leaves_the_queue(tree, open_campaign, clue_data):
    from ledger import services
    from review import services as review_services
    from review.selectors.queue import clues_for_review

    ours = services.clue_submit(actor=tree.user("staff"), clue=services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), data=clue_data()))
    theirs = services.clue_submit(actor=tree.user("department_staff"), clue=services.clue_create(
        actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"), data=clue_data()))
    review_services.clues_merge(actor=tree.user("office"), keep=ours, duplicate=theirs, reason="同一主体")
    assert list(clues_for_review(tree.user("office"), open_campaign)) == [ours]


def test_the_queue_filtered_on_one_field_applies_no_other(client, tree, open_campaign, report, term):
    """The whole filter form as the browser sends it: untouched filters stay on 全部, the status on what waits."""
    loan = report()
    payment = report(entity={"name": "某某支付公司", "credit_code": ""}, sector=term("第三方支付"), cross_province=True)
    report(entity={"name": "某某农业合作社", "credit_code": ""}, sector=term("各类涉农机构"))
    login(client, tree.user("office"))
    page = client.get(queue(open_campaign)).content.decode()
    starts = defaults_of_selects(page, form_class="filters")
    assert starts.pop("status") == "submitted"
    assert set(starts.values()) == {""}
    data = submitted(page, form_class="filters", sector=term("互联网金融行业企业").pk)
    assert listed(client.get(queue(open_campaign), data)) == {loan.pk, payment.pk}
