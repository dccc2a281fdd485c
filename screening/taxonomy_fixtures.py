"""The taxonomies of the two official forms: fixtures/taxonomy_2017.json (seed 000) and taxonomy_2018.json (seed 001).

A file maps each vocabulary to its terms in order; a tree node is {"name": ..., "children": [...]}, a leaf a string.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs import permissions
from orgs.permissions import Perm

from .models import Campaign, Term

FORMS = {
    "2017": Path(settings.BASE_DIR) / "fixtures" / "taxonomy_2017.json",
    "2018": Path(settings.BASE_DIR) / "fixtures" / "taxonomy_2018.json",
}


def read_form(form: str) -> dict:
    return json.loads(FORMS[form].read_text(encoding="utf-8"))


@transaction.atomic
def load_taxonomy(*, actor, campaign: Campaign, form: str) -> None:
    """Give ``campaign`` the vocabularies of ``form``, in two bulk inserts (groups and leaves, then items)."""
    if actor is not None:
        permissions.require(actor, Perm.MANAGE, campaign.scope_unit)
    if campaign.terms.exists():
        raise ValidationError(_("This campaign already has its taxonomy."))
    tops, items = [], []
    for vocabulary, nodes in read_form(form).items():
        for order, node in enumerate(nodes, start=1):
            node = {"name": node, "children": []} if isinstance(node, str) else node
            top = Term(campaign=campaign, vocabulary=vocabulary, name=node["name"], order=order)
            tops.append(top)
            items.extend((top, child, child_order) for child_order, child in enumerate(node["children"], start=1))
    Term.objects.bulk_create(tops)
    Term.objects.bulk_create(
        Term(campaign=campaign, vocabulary=top.vocabulary, parent=top, name=name, order=order)
        for top, name, order in items
    )
