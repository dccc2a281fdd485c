from orgs import permissions
from orgs import selectors as org_selectors
from screening.locks import today_local

from .selectors import tasks as selectors


def tasks(request):
    """The menu's entry to the disposal tasks: for staff working in a role that acts on tasks whose units have any, with
    how many are open and overdue. Nothing, and no query, for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = org_selectors.active_membership(request)
    if active is None or permissions.ACT_ON_TASKS not in permissions.ROLE_PERMISSIONS[active.role]:
        return {}
    counts = selectors.task_counts(user, on=today_local())
    return {"task_counts": counts} if counts.total else {}
