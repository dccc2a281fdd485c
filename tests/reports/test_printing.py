"""The attachment workbooks printed through LibreOffice (issue 11, items 20–23).

Each attachment of a county with many key clues is written as its own workbook, converted to PDF by LibreOffice
headless and rendered to PNG pages, saved under var/test-output/printed/ for a person to look at. The test checks that
every page renders, that attachment 2 breaks across pages with its header on each and its text at a readable size, and,
from the workbook itself, that no cell's text is cut: each wrapped cell's text needs no more height than its rows have,
and each number fits its column. `bash scripts/test` installs LibreOffice, poppler and the fonts; `-m "not libreoffice"`
leaves the test out.
"""

import os
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reports import tables, xlsx
from reports.table import Footer
from review.models import CountyReturn
from tests.reports.sheets import cut_cells

pytestmark = pytest.mark.libreoffice

OUTPUT = Path(settings.BASE_DIR) / "var" / "test-output" / "printed"
FONTS = Path(__file__).with_name("fonts.conf")
FOOTER = Footer("何立新", "022-29240481", date(2026, 11, 25))
KEY_CLUES = 40
A4_LANDSCAPE = (842, 595)  # points


@pytest.fixture
def county_with_many_key_clues(tree, open_campaign, ledger, staff2, filed_this_year):
    units = [("township", "staff"), ("sibling_township", "staff2"), ("department", "department_staff")]
    for i in range(KEY_CLUES):
        unit, user = units[i % 3]
        clue = ledger.clue(
            unit, user, ledger.entity(f"天津市宝坻区某某财富投资管理咨询服务有限公司第{i + 1}分公司"),
            ["网络借贷平台", "民间投融资中介机构", "房地产", "各类涉农机构"][i % 4],
            amount=f"{(i + 1) * 1234567.89:.2f}", people=(i + 1) * 37, unpaid=f"{(i + 1) * 345.6:.2f}",
            behaviours=["消费返利"] if i % 2 else ["以弱势群体为主要目标的集资行为", "资金互助"],
            problems=["超范围经营", "发布涉嫌非法集资广告资讯", "虚假宣传"][: 1 + i % 3],
            channel=["online", "offline", "both"][i % 3], cross_province=bool(i % 2),
            fundraising_mode=ledger.term("债权类"),
        )
        if i % 4 == 0:
            ledger.dispose(clue, "investigate", measures=["警示约谈", "刑事打击"], filed=filed_this_year,
                           refund_status="refunding", refunded_share=Decimal("35"),
                           handling_result="停业整改，正在配合公安机关侦查", notices={"河南省": 2, "山东省": 1, "河北省": 3})
        elif i % 4 == 1:
            ledger.dispose(clue, "not_handled", reason="经营者失联，正在协调公安机关查找实际控制人")
        ledger.make_key(clue)
    CountyReturn.objects.create(county=tree.unit("county"), year=open_campaign.year, criminal_cases=10,
                                has_large_case=True, has_petition_event=False, remarks="含跨区县案件 2 起",
                                updated_by=tree.user("office"))
    return tree.unit("county")


def test_each_attachment_prints_whole_and_readable(tmp_path, tree, open_campaign, county_with_many_key_clues):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftoppm"), "LibreOffice and poppler are needed: bash scripts/test installs them"
    built = {
        f"attachment{n}": build(campaign=open_campaign, unit=unit)
        for n, build, unit in ((1, tables.attachment1, county_with_many_key_clues),
                               (2, tables.attachment2, county_with_many_key_clues),
                               (3, tables.attachment3, tree.unit("city")))
    }
    for name, table in built.items():
        xlsx.write([table], FOOTER, tmp_path / f"{name}.xlsx")
    environment = os.environ | {"FONTCONFIG_FILE": str(FONTS)}
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *(str(tmp_path / f"{name}.xlsx") for name in built)],
        check=True, capture_output=True, timeout=180, env=environment,
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in built:
        for old in OUTPUT.glob(f"{name}-*.png"):
            old.unlink()
        pdf = tmp_path / f"{name}.pdf"
        pages = page_count(pdf)
        assert page_size(pdf) == A4_LANDSCAPE, name
        subprocess.run(["pdftoppm", "-r", "110", "-png", str(pdf), str(OUTPUT / name)], check=True, timeout=120)
        assert len(list(OUTPUT.glob(f"{name}-*.png"))) == pages, name
        subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp_path / name)], check=True, timeout=120)
        for gray in sorted(tmp_path.glob(f"{name}-*.pgm")):
            assert inked_share(gray) > 0.002, f"{gray.name} is blank"
        assert cut_cells(load_workbook(tmp_path / f"{name}.xlsx").active) == [], name

    second = tmp_path / "attachment2.pdf"
    pages = page_count(second)
    assert pages >= 2  # 40 key clues do not fit on one page
    text = [pdf_text(second, page) for page in range(1, pages + 1)]
    assert all("风险情况" in page and "企业名称" in page for page in text)  # the header on every page
    printed = "".join(text)
    assert all(f"第{i + 1}分公司" in printed for i in range(KEY_CLUES))  # no row lost at a page break
    assert min(word_heights(second, "天津市宝坻区")) >= 11  # the body's 10 points printed at full size

    first = tmp_path / "attachment1.pdf"
    assert page_count(first) == 2
    # The sectors' block fills the first page, and the behaviours' block begins the second whole, with its merged
    # labels, the footer and the notes.
    assert "合计" in pdf_text(first, 1) and "消费返利" not in pdf_text(first, 1)
    assert all(text in pdf_text(first, 2) for text in ("重点行", "打着国家政策旗号的", "填报人", "注："))


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", pdf_info(pdf), re.MULTILINE).group(1))


def page_size(pdf: Path) -> tuple[int, int]:
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", pdf_info(pdf), re.MULTILINE).groups()
    return round(float(width)), round(float(height))


def pdf_info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def word_heights(pdf: Path, start: str) -> list[float]:
    """The printed heights, in points, of the words beginning with ``start``."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [float(y_max) - float(y_min) for y_min, y_max, word in
            re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', boxes) if word.startswith(start)]


def inked_share(gray: Path) -> float:
    """The share of a grey-scale page's pixels that are not white."""
    data = gray.read_bytes()
    width, height = map(int, re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", data).groups())
    pixels = data[-width * height:]
    return sum(1 for value in pixels if value < 200) / len(pixels)
