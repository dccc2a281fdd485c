"""Turning a service's refusal into form errors, and form errors into a message, shared by the views of every app."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect


def add_refusal(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names when the form has that field, else above
    the form."""
    refusals = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    for field, errors in refusals:
        form.add_error(field if field in form.fields else None, errors)


def submit(form, action: Callable[[], object]) -> bool:
    """Run ``action`` when the form is bound and valid; True when it went through, False when the form or the service
    refused (the reasons are then on the form)."""
    if not form.is_valid():
        return False
    try:
        action()
    except ValidationError as error:
        add_refusal(form, error)
        return False
    return True


def submit_section(request, form, action: Callable[[], object], *, done: str, page_url: str, section: str,
                   render_page: Callable[..., HttpResponse]) -> HttpResponse:
    """Run the form of one section of a page that has several: when it went through, say ``done`` and go back to that
    section; when refused, draw the page again with this form and its errors in the section's place."""
    if submit(form, action):
        messages.success(request, done)
        return redirect(f"{page_url}#{section}")
    return render_page(**{f"{section}_form": form})


def refused(request, form, heading: str) -> None:
    """Say, in a message above the page, that nothing was done and each reason why, one a line (the form of a button
    in a list, which has no place of its own to show errors)."""
    reasons = [message for errors in form.errors.values() for message in errors]
    messages.error(request, "\n".join([heading, *reasons]))
