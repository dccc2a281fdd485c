"""One service applied to several objects at once, all or nothing, naming each object refused and why."""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def each_or_none(items: Iterable, act: Callable[[object], object], *, name: Callable[[object], str],
                 refusals: tuple[type[Exception], ...] = ()) -> int:
    """Run ``act`` on every item, inside the caller's transaction, and return how many it ran on. When any is refused
    (a ValidationError, a PermissionDenied, or one of ``refusals``), go on to find every refusal, then raise one
    ValidationError holding a line per refused item, so that the caller's transaction saves none of them.

    Each ``act`` must run in a transaction of its own (every service does), so that a refusal after a write of its own
    leaves nothing behind for the next item to build on."""
    done, refused = 0, []
    for item in items:
        try:
            act(item)
        except (ValidationError, PermissionDenied, *refusals) as refusal:
            reason = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            refused.append(_("%(name)s: %(reason)s") % {"name": name(item), "reason": reason})
        else:
            done += 1
    if refused:
        raise ValidationError(refused)
    return done
