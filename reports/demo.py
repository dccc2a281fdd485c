"""A table received from outside the system in the demo: 王卜庄镇 of 宝坻区, which has no account, sent its attachment 1
as a spreadsheet in the official layout, and the county office filed it through the service as the upload page does.
Given a received table already, it does nothing, so load_demo can run again."""

import tempfile
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.models import Unit
from screening.locks import today_local
from screening.models import Campaign

from . import services, tables, xlsx
from .models import ReceivedReturn
from .table import Footer

User = get_user_model()
SENDER = "120115102"  # 王卜庄镇
FIGURES = {
    "批发和零售": {"screened": "6", "problem_count": "1", "people": "12", "amount": "35.60", "problems": "虚假宣传(1)",
              "measures": "警示约谈(1)", "rectified": "1"},
    "各类涉农机构": {"screened": "4"},
    "消费返利": {"screened": "1", "problem_count": "1", "people": "12", "amount": "35.60"},
}


def load_received(campaign: Campaign) -> None:
    if ReceivedReturn.objects.filter(campaign=campaign).exists():
        return
    unit = Unit.objects.get(code=SENDER)
    table = tables.attachment1(campaign=campaign, unit=unit)
    numeric = {column.key for column in table.columns if column.numeric}
    block = []
    for row in table.rows:
        if row.is_total:
            row.values.update({column.key: sum((leaf.values[column.key] for leaf in block), Decimal("0.00"))
                               for column in table.columns if column.totalled})
            block = []
            continue
        for key, value in FIGURES.get(row.labels[2] or row.labels[1], {}).items():
            row.values[key] = Decimal(value) if key in numeric else value
        block.append(row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sent.xlsx"
        xlsx.write([table], Footer("王卜庄镇填报人", "", today_local()), path)
        sent = SimpleUploadedFile(f"{unit.name}附件1.xlsx", path.read_bytes())
    services.received_tables_save(actor=User.objects.get(username="county_office"), campaign=campaign, unit=unit,
                                  uploaded_file=sent)
