"""Reads of the office's workbench, scoped to the user.

Clues, assessments and disposals are read through the units the user may review (``permissions.units(user,
Perm.REVIEW)``, ``reviewable_units`` below): staff hold no REVIEW, so nothing here ever hands them a rating. The
overdue disposals and units are read through the units whose progress the user follows (``permissions.units_followed``:
the office and the leaders, never staff). The declaration page reads the one unit its view has checked the user
enters data for. One module per page of ``review.views``: ``queue``, ``clue``, ``approvals``, ``tasks`` (which starts
from the units the user acts for and reads no rating), ``entity``, and ``counties`` (which starts from the governments
whose own office or leaders the user belongs to, ``permissions.governments_represented``).
"""

from django.db.models import QuerySet

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm


def reviewable_units(user) -> QuerySet[Unit]:
    return permissions.units(user, Perm.REVIEW)
