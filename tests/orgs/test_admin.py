import re
from io import BytesIO

import tablib
from django.urls import reverse

from orgs.models import Unit
from tests.orgs.test_pages import login


def test_an_admin_sees_the_units_of_their_county_as_a_tree(client, tree):
    login(client, tree.user("admin"))
    response = client.get(reverse("admin:orgs_unit_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "一社区" in page and "乙县" not in page
    indent = {name: len(spaces) for spaces, name in re.findall(r'>(\u3000*)(甲县|一街道|一社区)<', page)}
    assert indent["甲县"] < indent["一街道"] < indent["一社区"]
    assert "涉嫌非法集资风险排查" in page


def test_an_admin_imports_units_from_an_excel_sheet_through_the_admin(client, tree):
    login(client, tree.user("admin"))
    sheet = tablib.Dataset(headers=["单位代码", "单位名称", "层级", "类别", "上级单位代码"])
    sheet.append(("A9", "九街道", "街道（乡镇）", "属地政府", "A"))
    upload = BytesIO(sheet.export("xlsx"))
    upload.name = "units.xlsx"
    preview = client.post(
        reverse("admin:orgs_unit_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    assert preview.status_code == 200, preview.content.decode()[:500]
    assert "九街道" in preview.content.decode()
    confirm = {
        key: preview.context["confirm_form"][key].value() for key in preview.context["confirm_form"].fields
    }
    client.post(reverse("admin:orgs_unit_process_import"), confirm)
    assert Unit.objects.get(code="A9").parent.code == "A"


def test_staff_cannot_open_the_admin(client, tree):
    login(client, tree.user("staff"))
    assert client.get(reverse("admin:orgs_unit_changelist")).status_code == 302
