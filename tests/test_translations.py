from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_interface_string_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    # Keyed by context too: a word such as "title" means one thing for a person and another for a document.
    source = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.pofile(str(PO)).translated_entries()}
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(PO.with_suffix(".mo")))}
    compiled.pop((None, ""), None)
    assert compiled == source, "run: python manage.py compilemessages --ignore=.venv"
