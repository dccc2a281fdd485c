"""Every wrong field is named at once, by the form and by the services behind it, with a summary at the top of the
form linking to each field; required fields are marked."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ledger import services
from ledger.models import Clue
from ledger.services import EntityData, RecordData, TermChecker
from screening import services as screening_services
from tests.ledger.test_views import WRONG_CODE, clue_form
from tests.orgs.test_pages import login


def refused_fields(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_clue_is_refused_with_every_wrong_field_named(tree, open_campaign, clue_data):
    data = clue_data(entity={"name": " ", "credit_code": WRONG_CODE}, amount_involved="1.234", people_involved="-3")
    refusal = refused_fields(lambda: services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), data=data))
    assert set(refusal) == {"name", "credit_code", "amount_involved", "people_involved"}
    assert "91350100M000100Y44" in refusal["credit_code"][0]
    assert not Clue.objects.exists()


def test_unpaid_funds_above_the_amount_are_named_beside_a_wrong_code(tree, open_campaign, clue_data):
    data = clue_data(entity={"credit_code": "91350100M00010"}, amount_involved=Decimal("10"),
                     unpaid_funds=Decimal("20"))
    refusal = refused_fields(lambda: services.check_entry(data, TermChecker(open_campaign)))
    assert set(refusal) == {"credit_code", "unpaid_funds"}


def test_a_record_is_refused_with_every_wrong_field_named(tree, open_campaign, term):
    screening_services.term_set_retired(actor=tree.user("admin"), term=term("扫街排查"), retired=True)
    row = RecordData(entity=EntityData(name="某某理财工作室", credit_code="9135O1"), sector=term("互联网金融行业企业"),
                     method=term("扫街排查"))
    refusal = refused_fields(lambda: services.records_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=[row]))
    assert set(refusal) == {"credit_code", "sector", "method"}


def test_the_form_shows_the_amount_and_the_code_at_once_with_a_summary(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(
        tree, term, name="", credit_code=WRONG_CODE, amount_involved="1.234", unpaid_funds="", people_involved="三十"))
    assert response.status_code == 200 and not Clue.objects.exists()
    assert set(response.context["form"].errors) == {"name", "credit_code", "amount_involved", "people_involved"}
    page = response.content.decode()
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    linked = re.findall(r'<a href="#([^"]+)">([^<:]+):', summary)
    assert linked == [("id_name", "企业名称"), ("id_credit_code", "统一社会信用代码"),
                      ("id_amount_involved", "涉及金额（万元）"), ("id_people_involved", "涉及人数")]
    assert all(f'id="{anchor}"' in page for anchor, _label in linked)


def test_the_summary_names_a_refusal_only_saving_finds(client, tree, open_campaign, term, clue_data):
    services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                         data=clue_data())
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(tree, term))
    page = response.content.decode()
    assert Clue.objects.count() == 1
    assert 'class="error-summary"' in page and "在“网络借贷平台”中已有本单位的线索" in page


def test_required_fields_are_marked_for_the_eye_and_for_screen_readers(client, tree, open_campaign):
    login(client, tree.user("staff"))
    page = client.get(reverse("ledger:clue_create", args=[open_campaign.slug])).content.decode()
    mark = '<span class="required-mark" aria-hidden="true">*</span><span class="sr-only">（必填）</span>'
    marked = set(re.findall(r'<label for="id_(\w+)">[^<]*' + re.escape(mark), page))
    assert marked == {"unit", "name", "sector", "amount_involved", "people_involved"}
    assert "novalidate" in page  # the server, not the browser's first bubble, names what is missing
