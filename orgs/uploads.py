"""Which uploaded files may be kept: a clue's evidence, a disposal's files, a briefing's or a summary report's.

A file is taken when its name ends in an allowed extension AND its first bytes are what that kind of file begins with;
a web page, an SVG drawing or a program is refused even renamed to .pdf, since a browser or a desktop opening it by its
content would run what it carries. WPS Office's own formats (.wps, .et, .dps) are allowed: local governments write in
WPS, and its files are the same compound documents as Word's, Excel's and PowerPoint's of before 2007.
"""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Evidence stays on the server for years; the limit keeps one scanned video from filling the disk of a county server.
MAX_MB = 20

COMPOUND_DOCUMENT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .doc, .xls, .ppt and WPS's .wps, .et, .dps
ZIP = b"PK\x03\x04"
HEAD_BYTES = 8
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # what Notepad and WPS save on a Chinese Windows


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes, object], bool]  # (the first bytes, the file) → whether the content is of this kind


def _begins_with(signature: bytes):
    return lambda head, _file: head.startswith(signature)


def _office_open_xml(folder: str):
    """A .docx, .xlsx or .pptx: a zip holding the package's content types and the application's folder."""
    def matches(head: bytes, file) -> bool:
        if not head.startswith(ZIP):
            return False
        try:
            names = zipfile.ZipFile(file).namelist()
        except (zipfile.BadZipFile, OSError, EOFError):
            return False
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
    return matches


def _plain_text(_head: bytes, file) -> bool:
    """Text in an encoding of Chinese Windows, without the NUL bytes of a program or the markup of a web page."""
    data = file.read()
    if b"\x00" in data:
        return False
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not text.lstrip().startswith("<")
    return False


KINDS = (
    Kind("PDF", (".pdf",), _begins_with(b"%PDF-")),
    Kind("JPEG", (".jpg", ".jpeg"), _begins_with(b"\xff\xd8\xff")),
    Kind("PNG", (".png",), _begins_with(b"\x89PNG\r\n\x1a\n")),
    Kind("Word", (".doc", ".wps"), _begins_with(COMPOUND_DOCUMENT)),
    Kind("Excel", (".xls", ".et"), _begins_with(COMPOUND_DOCUMENT)),
    Kind("PowerPoint", (".ppt", ".dps"), _begins_with(COMPOUND_DOCUMENT)),
    Kind("Word", (".docx",), _office_open_xml("word/")),
    Kind("Excel", (".xlsx",), _office_open_xml("xl/")),
    Kind("PowerPoint", (".pptx",), _office_open_xml("ppt/")),
    Kind(gettext_lazy("plain text"), (".txt",), _plain_text),
)
BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}
ACCEPTED = ",".join(BY_EXTENSION)  # for the file inputs' accept attribute


def check_upload(uploaded_file) -> None:
    """Refuse, at the form's file field, a file too large, of a kind not kept as evidence, or whose content is not
    what its name says."""
    name = uploaded_file.name
    if uploaded_file.size > MAX_MB * 1024 * 1024:
        raise ValidationError({"file": _("A file may have at most %(size)d MB.") % {"size": MAX_MB}})
    kind = BY_EXTENSION.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ValidationError({"file": _(
            "“%(name)s” cannot be kept as evidence: only PDF, JPEG and PNG files, Office and WPS documents (.doc, "
            ".docx, .xls, .xlsx, .ppt, .pptx, .wps, .et, .dps) and plain text (.txt) can."
        ) % {"name": name}})
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    matches = kind.matches(head, uploaded_file)
    uploaded_file.seek(0)
    if not matches:
        raise ValidationError({"file": _(
            "The content of “%(name)s” is not a %(kind)s file, whatever its name says: a web page, an SVG drawing or "
            "a program is not accepted. Upload the original file."
        ) % {"name": name, "kind": kind.label}})
