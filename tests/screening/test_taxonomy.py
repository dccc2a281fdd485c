import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from screening import selectors, services
from screening.models import Campaign, Term
from screening.taxonomy_fixtures import load_taxonomy

SECTORS_2018 = [
    ("民间投融资中介机构", []),
    ("互联网金融行业企业", ["网络借贷平台", "第三方支付", "众筹平台"]),
    ("资金密集型行业企业", ["私募股权投资", "电子商务", "批发和零售", "房地产"]),
    ("各类涉农机构", []),
    ("教育机构", []),
    ("医疗机构", []),
    ("养老机构", []),
    ("旅行社等组织", []),
    ("辖内其它高风险行业企业", []),
]
BEHAVIOURS_2018 = [
    ("各类“创新”型集资平台", ["消费返利", "资金互助", "加盟积分", "虚拟资产", "牲畜托管"]),
    ("打着国家政策旗号的集资行为", ["假借“一带一路”", "假借“共享经济”", "假借“慈善”"]),
    ("以弱势群体为主要目标的集资行为", []),
    ("辖内其它风险突出的集资行为", []),
]
SECTORS_2017 = [
    "投资咨询、财富管理、第三方理财、担保、小额贷款等投融资中介机构",
    "第三方支付、网络借贷平台、众筹平台等互联网金融行业企业",
    "私募股权投资、电子商务、租赁、保理、交易场所等资金密集行业",
    "房地产开发和销售、养老机构和项目、民办教育、旅游等群众关注度较高行业",
    "各类农民专业合作社、涉农投融资项目等",
    "区外类金融、高风险行业企业在我区设立的分支机构",
]


def as_tree(campaign, vocabulary):
    nodes = selectors.terms(campaign, vocabulary)
    return [(n.name, [c.name for c in nodes if c.parent_id == n.pk]) for n in nodes if n.parent_id is None]


def test_the_2018_trees_equal_the_rows_of_attachment_1(campaign):
    assert as_tree(campaign, Term.Vocabulary.SECTOR) == SECTORS_2018
    assert as_tree(campaign, Term.Vocabulary.BEHAVIOUR) == BEHAVIOURS_2018
    assert [t.name for t in selectors.terms(campaign, Term.Vocabulary.PROBLEM)] == [
        "超范围经营", "发布涉嫌非法集资广告资讯", "虚假宣传", "无办公场所和办公人员或与注册登记不符", "设资金池", "自融",
    ]
    assert [t.name for t in selectors.terms(campaign, Term.Vocabulary.MEASURE)] == ["警示约谈", "规范整改", "行政处罚", "刑事打击"]


def test_the_2017_form_has_six_sectors_and_four_behaviours(campaign):
    old = Campaign.objects.create(
        title="2017年专项排查", slug="c2017", year=2017, issuing_unit=campaign.issuing_unit, scope_unit=campaign.scope_unit
    )
    load_taxonomy(actor=None, campaign=old, form="2017")
    assert as_tree(old, Term.Vocabulary.SECTOR) == [(name, []) for name in SECTORS_2017]
    assert len(as_tree(old, Term.Vocabulary.BEHAVIOUR)) == 4


def test_deleting_a_campaign_takes_its_taxonomy_with_it(campaign):
    campaign.delete()
    assert not Term.objects.exists()


def test_only_leaves_take_data(campaign):
    leaves = set(selectors.leaves(campaign, Term.Vocabulary.SECTOR).values_list("name", flat=True))
    assert "网络借贷平台" in leaves and "民间投融资中介机构" in leaves
    assert "互联网金融行业企业" not in leaves
    assert len(leaves) == 14


def test_add_rename_reorder_and_retire(campaign, tree):
    admin = tree.user("admin")
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    added = services.term_add(actor=admin, campaign=campaign, vocabulary="sector", name="数字货币交易平台", parent=group)
    assert [c.name for c in group.children.order_by("order")][-1] == "数字货币交易平台"
    services.term_move(actor=admin, term=added, step=-1)
    assert [c.name for c in group.children.order_by("order")][-2:] == ["数字货币交易平台", "众筹平台"]
    services.term_rename(actor=admin, term=added, name="虚拟货币交易平台")
    services.term_set_retired(actor=admin, term=added, retired=True)
    assert "虚拟货币交易平台" not in selectors.leaves(campaign, "sector").values_list("name", flat=True)
    assert "虚拟货币交易平台" in selectors.leaves(campaign, "sector", include_retired=True).values_list("name", flat=True)


def test_moving_the_first_item_up_changes_nothing(campaign, tree):
    first = selectors.terms(campaign, Term.Vocabulary.MEASURE)[0]
    services.term_move(actor=tree.user("admin"), term=first, step=-1)
    assert selectors.terms(campaign, Term.Vocabulary.MEASURE)[0] == first


def test_a_group_with_items_cannot_be_deleted(campaign, tree):
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    with pytest.raises(ValidationError) as refused:
        services.term_delete(actor=tree.user("admin"), term=group)
    assert "停用" in str(refused.value)
    assert Term.objects.filter(pk=group.pk).exists()


def test_flat_lists_have_no_items_beneath(campaign, tree):
    measure = selectors.terms(campaign, Term.Vocabulary.MEASURE)[0]
    with pytest.raises(ValidationError):
        services.term_add(actor=tree.user("admin"), campaign=campaign, vocabulary="measure", name="x", parent=measure)


def test_two_items_of_one_group_cannot_share_a_name(campaign, tree):
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    with pytest.raises(ValidationError):
        services.term_add(actor=tree.user("admin"), campaign=campaign, vocabulary="sector", name="众筹平台", parent=group)


def test_staff_cannot_change_the_taxonomy(campaign, tree):
    with pytest.raises(PermissionDenied):
        services.term_add(actor=tree.user("staff"), campaign=campaign, vocabulary="sector", name="x")


def test_responsibilities_suggest_departments_and_show_each_its_sectors(campaign, tree):
    lending = Term.objects.get(campaign=campaign, name="网络借贷平台")
    services.responsibilities_set(
        actor=tree.user("admin"), campaign=campaign, sector=lending, units=[tree.unit("department")], note="排查网贷平台"
    )
    assert list(selectors.responsible_units(campaign, lending)) == [tree.unit("department")]
    assert list(selectors.sectors_of(campaign, tree.unit("department"))) == [lending]
    with pytest.raises(ValidationError):
        services.responsibilities_set(
            actor=None, campaign=campaign, sector=lending, units=[tree.unit("other_township")]
        )
