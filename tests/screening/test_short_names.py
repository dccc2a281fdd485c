"""A campaign's short name (简称) takes what a Chinese user types, and is made from the year when left empty; the
taxonomy's actions say what they did."""

import pytest
from django.urls import reverse

from screening import selectors
from screening.models import Campaign, Term
from tests.orgs.test_pages import login
from tests.screening.test_views import campaign_fields


def create(client, tree, **fields):
    return client.post(reverse("screening:campaign_create"), campaign_fields(tree, **fields))


def test_an_empty_short_name_is_made_from_the_year_and_the_kind(client, tree):
    login(client, tree.user("admin"))
    first = create(client, tree, slug="", title="2019年专项排查")
    second = create(client, tree, slug="", title="2019年第二次专项排查")
    normalised = create(client, tree, slug="", title="2019年常态化排查", kind=Campaign.Kind.NORMALISED)
    assert list(Campaign.objects.order_by("pk").values_list("slug", flat=True)) == [
        "2019-zhuanxiang-1", "2019-zhuanxiang-2", "2019-changtai-1"]
    assert [response["Location"] for response in (first, second, normalised)] == [
        reverse("screening:campaign_detail", args=[slug]) for slug in
        ("2019-zhuanxiang-1", "2019-zhuanxiang-2", "2019-changtai-1")]


def test_full_width_capitals_and_spaces_are_read_as_a_short_name(client, tree):
    login(client, tree.user("admin"))
    create(client, tree, slug=" ２０１９ ＺＸ pc ")
    assert Campaign.objects.get().slug == "2019-zx-pc"


@pytest.mark.parametrize("typed", ["专项排查", "2019/zx", "zx.2019"])
def test_a_short_name_a_web_address_cannot_hold_is_refused_in_chinese(client, tree, typed):
    login(client, tree.user("admin"))
    response = create(client, tree, slug=typed)
    assert response.context["form"].errors["slug"] == [
        "简称只能包含英文字母、数字、连字符（-）和下划线（_），例如 2026-zhuanxiang；网址中不能使用汉字。留空则自动生成。"]
    assert not Campaign.objects.exists()


def test_a_taken_short_name_says_so_and_suggests_leaving_it_empty(client, tree, campaign):
    login(client, tree.user("admin"))
    response = create(client, tree, slug=campaign.slug)
    assert response.context["form"].errors["slug"] == ["已有排查活动使用这个简称；请换一个，或留空由系统生成。"]


def test_the_form_explains_the_short_name(client, tree):
    login(client, tree.user("admin"))
    page = client.get(reverse("screening:campaign_create")).content.decode()
    assert "用于本活动的网址和文件名" in page and "2026-zhuanxiang-1" in page
    assert '<label for="id_slug">简称</label>' in page  # not marked required


def test_a_copy_without_a_short_name_gets_one(client, tree, campaign):
    login(client, tree.user("admin"))
    response = client.post(reverse("screening:campaign_copy", args=[campaign.slug]),
                           {"title": "2019年专项排查", "slug": "", "year": 2019, "move": "year"})
    copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert copy.slug == "2019-zhuanxiang-1" and response["Location"] == copy.get_absolute_url()


# The taxonomy's actions say what they did ----------------------------------------------------------------------------


def said(response) -> list[str]:
    """The messages of the page the action leads to."""
    return [str(message) for message in response.context["messages"]]


def act(client, term, action, **data):
    url = reverse("screening:term_action", args=[term.campaign.slug, term.pk])
    return client.post(url, {"action": action} | data, follow=True)


def test_each_taxonomy_action_says_what_it_did(client, campaign, tree):
    login(client, tree.user("admin"))
    first, second = selectors.terms(campaign, Term.Vocabulary.MEASURE)[:2]
    assert said(act(client, first, "rename", name=" 约谈警示 ")) == ["“警示约谈”已改名为“约谈警示”。"]
    first.refresh_from_db()
    assert said(act(client, first, "up")) == ["“约谈警示”已在列表最前。"]
    assert said(act(client, first, "down")) == ["“约谈警示”已下移。"]
    assert said(act(client, first, "up")) == ["“约谈警示”已上移。"]
    assert said(act(client, second, "down")) == ["“规范整改”已下移。"]
    last = selectors.terms(campaign, Term.Vocabulary.MEASURE)[-1]
    assert said(act(client, last, "down")) == [f"“{last.name}”已在列表最后。"]
    assert said(act(client, first, "retire")) == ["“约谈警示”已停用：新填报时不再提供，已填报的数据仍计入报表。"]
    assert said(act(client, first, "restore")) == ["“约谈警示”已恢复，新填报时可以选择。"]
    unused = Term.objects.get(campaign=campaign, name="众筹平台")
    assert said(act(client, unused, "delete")) == ["“众筹平台”已删除。"]


def test_adding_an_item_says_where_it_went(client, campaign, tree):
    login(client, tree.user("admin"))
    url = reverse("screening:taxonomy", args=[campaign.slug, "sector"])
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    assert said(client.post(url, {"name": " 数字货币交易平台", "parent": group.pk}, follow=True)) == [
        "已在“互联网金融行业企业”下添加“数字货币交易平台”。"]
    assert said(client.post(url, {"name": "融资租赁公司", "parent": ""}, follow=True)) == ["已在最上一级添加“融资租赁公司”。"]
