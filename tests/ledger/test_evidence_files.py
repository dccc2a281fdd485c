"""Evidence files of a clue (the disposal's go through the same check, tests/review/test_tasks.py): kept only when their name and their content are of an allowed kind,
and served as downloads the browser neither opens nor sniffs."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledger.models import Evidence
from tests.ledger.test_views import create
from tests.orgs.test_pages import login

COMPOUND_DOCUMENT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


ALLOWED = {
    "营业执照.pdf": b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF",
    "现场照片.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "现场照片.JPEG": b"\xff\xd8\xff\xe1\x00\x10Exif\x00",
    "宣传单.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "询问笔录.doc": COMPOUND_DOCUMENT,
    "询问笔录.wps": COMPOUND_DOCUMENT,
    "资金流水.xls": COMPOUND_DOCUMENT,
    "资金流水.et": COMPOUND_DOCUMENT,
    "汇报.ppt": COMPOUND_DOCUMENT,
    "汇报.dps": COMPOUND_DOCUMENT,
    "询问笔录.docx": zipped(**{"[Content_Types].xml": b"<Types/>", "word__document.xml": b"<w:document/>"}),
    "资金流水.xlsx": workbook(),
    "汇报.pptx": zipped(**{"[Content_Types].xml": b"<Types/>", "ppt__presentation.xml": b"<p:presentation/>"}),
    "说明.txt": "群众反映该公司承诺年化 12% 的回报。\n".encode(),
    "说明（记事本）.txt": "群众反映该公司承诺年化 12% 的回报。\r\n".encode("gb18030"),
}

NOT_A_KIND = "“{name}”不能作为佐证材料：只接受 PDF、JPEG、PNG 文件，Office 和 WPS 文档"
NOT_WHAT_IT_SAYS = "“{name}”的内容不是{kind}文件，与文件名不符：网页、SVG 图形和程序文件不予接受。请上传原始文件。"
PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
REFUSED = {
    "网页改名.pdf": (PAGE, NOT_WHAT_IT_SAYS.format(name="网页改名.pdf", kind="PDF")),
    "网页.html": (PAGE, NOT_A_KIND.format(name="网页.html")),
    "网页改名.txt": (b"\n  " + PAGE, NOT_WHAT_IT_SAYS.format(name="网页改名.txt", kind="纯文本")),
    "图形.svg": (SVG, NOT_A_KIND.format(name="图形.svg")),
    "图形改名.png": (SVG, NOT_WHAT_IT_SAYS.format(name="图形改名.png", kind="PNG")),
    "安装.exe": (b"MZ\x90\x00" + bytes(60), NOT_A_KIND.format(name="安装.exe")),
    "程序改名.pdf": (ELF, NOT_WHAT_IT_SAYS.format(name="程序改名.pdf", kind="PDF")),
    "程序改名.txt": (ELF, NOT_WHAT_IT_SAYS.format(name="程序改名.txt", kind="纯文本")),
    "压缩包.zip": (zipped(**{"a.txt": b"a"}), NOT_A_KIND.format(name="压缩包.zip")),
    "压缩包改名.docx": (zipped(**{"a.txt": b"a"}), NOT_WHAT_IT_SAYS.format(name="压缩包改名.docx", kind="Word")),
    "表格改名.docx": (workbook(), NOT_WHAT_IT_SAYS.format(name="表格改名.docx", kind="Word")),
    "文档改名.jpg": (COMPOUND_DOCUMENT, NOT_WHAT_IT_SAYS.format(name="文档改名.jpg", kind="JPEG")),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clue(client, tree, open_campaign, clue_data):
    login(client, tree.user("staff"))
    return create(tree, open_campaign, clue_data())


def upload(client, clue, name: str, content: bytes):
    return client.post(reverse("ledger:evidence_upload", args=[clue.pk]), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("name", ALLOWED)
def test_each_allowed_kind_is_kept_as_it_was_sent(client, clue, name):
    assert upload(client, clue, name, ALLOWED[name]).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == name and evidence.file.read() == ALLOWED[name]


@pytest.mark.parametrize("name", REFUSED)
def test_a_web_page_a_drawing_a_program_or_a_plain_zip_is_refused_at_the_field_even_renamed(client, clue, name):
    content, message = REFUSED[name]
    response = upload(client, clue, name, content)
    assert response.status_code == 200 and not Evidence.objects.exists()
    [error] = response.context["evidence_form"].errors["file"]
    assert error.startswith(message)


def test_the_file_input_offers_the_allowed_kinds(client, clue):
    page = client.get(clue.get_absolute_url()).content.decode()
    assert 'accept=".pdf,.jpg,.jpeg,.png,.doc,.wps,.xls,.et,.ppt,.dps,.docx,.xlsx,.pptx,.txt"' in page


def assert_a_download_not_to_open(response, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_download_is_an_attachment_the_browser_does_not_sniff(client, clue):
    upload(client, clue, "说明.txt", ALLOWED["说明.txt"])
    evidence = Evidence.objects.get()
    assert_a_download_not_to_open(client.get(reverse("ledger:evidence_download", args=[evidence.pk])), "txt")
