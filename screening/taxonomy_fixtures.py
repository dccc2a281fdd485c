"""The taxonomies of the two official forms: fixtures/taxonomy_2017.json (seed 000) and taxonomy_2018.json (seed 001).

A file maps each vocabulary to its terms in order; a tree node is {"name": ..., "children": [...]}, a leaf a string.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import services
from .models import Campaign

FORMS = {
    "2017": Path(settings.BASE_DIR) / "fixtures" / "taxonomy_2017.json",
    "2018": Path(settings.BASE_DIR) / "fixtures" / "taxonomy_2018.json",
}


def read_form(form: str) -> dict:
    return json.loads(FORMS[form].read_text(encoding="utf-8"))


@transaction.atomic
def load_taxonomy(*, actor, campaign: Campaign, form: str) -> None:
    """Give ``campaign`` the vocabularies of ``form``; the campaign must not have terms yet."""
    for vocabulary, nodes in read_form(form).items():
        for node in nodes:
            if isinstance(node, str):
                node = {"name": node, "children": []}
            parent = services.term_add(actor=actor, campaign=campaign, vocabulary=vocabulary, name=node["name"])
            for child in node["children"]:
                services.term_add(actor=actor, campaign=campaign, vocabulary=vocabulary, name=child, parent=parent)
