"""The public pages (no login: file a tip, read its status) and the handling pages of the county office and of the
unit a tip is assigned to. Thin: parse, call a service or a selector, render."""

from captcha import views as captcha_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orgs.formtools import submit

from orgs.addresses import client_address

from . import selectors, services
from .forms import AssignForm, ConvertForm, NoteForm, ReasonForm, RewardForm, StatusForm, TipForm
from .models import Tip


# Public ---------------------------------------------------------------------------------------------------------------


@never_cache
def public_file(request):
    counties = selectors.counties_taking_tips()
    form = TipForm(request.POST or None, request.FILES or None, counties=counties)
    filed = []

    def file_tip():
        data = {name: value for name, value in form.cleaned_data.items() if name not in ("files", "captcha")}
        filed.append(services.tip_file(address=client_address(request), data=services.TipData(**data),
                                       files=form.cleaned_data["files"]))

    if request.method == "POST":
        try:
            if submit(form, file_tip):
                tip, secret = filed[0]
                # Shown this once: only a hash of the secret is kept.
                return render(request, "tips/filed.html", {"tip": tip, "secret": secret})
        except services.RateLimited as limited:
            messages.error(request, limited.message)  # the form is drawn again as filled, with a new captcha
    return render(request, "tips/public_form.html", {"form": form})


@never_cache
def public_status(request):
    form = StatusForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            status = services.tip_status(address=client_address(request), **form.cleaned_data)
        except services.RateLimited as limited:
            messages.error(request, limited.message)
        else:
            context["status"] = status
            context["looked_up"] = True
            form = StatusForm()
            context["form"] = form
    return render(request, "tips/public_status.html", context)


def captcha_image(request, key):
    return captcha_views.captcha_image(request, key, scale=1)


# Handling -------------------------------------------------------------------------------------------------------------


@login_required
def tip_list(request):
    if not selectors.may_list(request.user):
        raise PermissionDenied(_("Only a county office and the units it asks to verify a tip see tips."))
    status = request.GET.get("status", "")
    if status not in Tip.Status.values:
        status = ""
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    tips, next_before = selectors.page(selectors.tips_visible_to(request.user), status=status, before=before)
    return render(request, "tips/list.html", {"tips": tips, "next_before": next_before, "status": status,
                                              "statuses": Tip.Status.choices})


def _forms(tip: Tip, **bound) -> dict:
    """The office's forms of the page, each under its action's prefix (one page, several forms with a unit field)."""
    return {
        "verify_form": bound.get("verify_form") or NoteForm(prefix="verify"),
        "assign_form": bound.get("assign_form") or AssignForm(units=selectors.assignable_units(tip.county),
                                                               initial={"unit": tip.assigned_unit_id}, prefix="assign"),
        "convert_form": bound.get("convert_form") or ConvertForm(
            campaigns=selectors.campaigns_for(tip.county), units=selectors.assignable_units(tip.county),
            initial={"amount": tip.amount, "people": tip.people, "unit": tip.assigned_unit_id,
                     "campaign": selectors.campaigns_for(tip.county).first()}, prefix="convert"),
        "close_form": bound.get("close_form") or ReasonForm(prefix="close"),
        "reward_form": bound.get("reward_form") or RewardForm(initial={
            "amount": tip.reward_amount, "on": tip.reward_on, "paid": tip.reward_paid}, prefix="reward"),
    }


def _render_tip(request, tip: Tip, *, reporter=None, **bound):
    handles = selectors.handles(request.user, tip)
    context = {"tip": tip, "handles": handles, "reporter": reporter, "files": tip.files.all(),
               "events": tip.events.select_related("actor"),
               "may_find": not handles and not tip.outcome}
    if handles:
        context |= {"identity_log": selectors.identity_log(tip), **_forms(tip, **bound)}
    elif context["may_find"]:
        context["finding_form"] = bound.get("finding_form") or NoteForm(initial={"text": tip.finding}, prefix="finding")
    return render(request, "tips/detail.html", context)


@login_required
def tip_detail(request, pk):
    return _render_tip(request, selectors.tip_for_user_or_404(request.user, pk))


@login_required
@require_POST
def tip_reporter(request, pk):
    """The reporter's identity and contact, for the handling office: each reading is logged before it is shown."""
    tip = selectors.tip_for_user_or_404(request.user, pk)
    services.identity_read(actor=request.user, tip=tip)
    return _render_tip(request, tip, reporter=selectors.reporter_of(tip))


ACTIONS = {
    # action: (form, its name on the page, the service call)
    "register": (None, None, lambda actor, tip, data: services.tip_register(actor=actor, tip=tip)),
    "verify": (NoteForm, "verify_form", lambda actor, tip, data: services.tip_verify(actor=actor, tip=tip, **data)),
    "assign": (AssignForm, "assign_form", lambda actor, tip, data: services.tip_assign(actor=actor, tip=tip, **data)),
    "finding": (NoteForm, "finding_form", lambda actor, tip, data: services.tip_finding(actor=actor, tip=tip, **data)),
    "convert": (ConvertForm, "convert_form",
                lambda actor, tip, data: services.tip_convert(actor=actor, tip=tip, **data)),
    "close": (ReasonForm, "close_form", lambda actor, tip, data: services.tip_close(actor=actor, tip=tip, **data)),
    "reward": (RewardForm, "reward_form", lambda actor, tip, data: services.tip_reward(actor=actor, tip=tip, **data)),
}
DONE = {
    "register": lambda: _("The tip has been registered."),
    "verify": lambda: _("The verification has been noted."),
    "assign": lambda: _("The tip has been assigned; the unit has been told."),
    "finding": lambda: _("The finding has been recorded; the office has been told."),
    "convert": lambda: _("The tip is now a clue, in the review queue."),
    "close": lambda: _("The tip has been closed."),
    "reward": lambda: _("The reward decision has been recorded."),
}


def _bound(form_class, action: str, request, tip: Tip):
    if form_class is AssignForm:
        return AssignForm(request.POST, units=selectors.assignable_units(tip.county), prefix=action)
    if form_class is ConvertForm:
        return ConvertForm(request.POST, campaigns=selectors.campaigns_for(tip.county),
                           units=selectors.assignable_units(tip.county), prefix=action)
    return form_class(request.POST, prefix=action)


@login_required
@require_POST
def tip_act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    tip = selectors.tip_for_user_or_404(request.user, pk)
    form_class, name, call = ACTIONS[action]
    if action == "finding":
        if selectors.handles(request.user, tip):
            raise PermissionDenied(_("Only the unit the tip was assigned to records its finding."))
    elif not selectors.handles(request.user, tip):
        raise PermissionDenied(_("Only the office of %(county)s handles this tip.") % {"county": tip.county.name})
    form = _bound(form_class, action, request, tip) if form_class else NoteForm({"text": "-"})
    if submit(form, lambda: call(request.user, tip, form.cleaned_data if form_class else {})):
        messages.success(request, DONE[action]())
        return redirect("tips:detail", tip.pk)
    if form.non_field_errors():  # a refusal of the tip's state, which the page may show no form for
        messages.error(request, "\n".join(form.non_field_errors()))
    if name is None:
        return redirect("tips:detail", tip.pk)
    return _render_tip(request, tip, **{name: form})


@login_required
def tip_file_download(request, pk):
    found = selectors.tip_file_for_user_or_404(request.user, pk)
    try:
        file = found.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(file, as_attachment=True, filename=found.name)
