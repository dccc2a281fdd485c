"""STUB: replaced by the helper that builds these views."""
from django.http import HttpResponse


def ledger_home(request, *args, **kwargs):
    return HttpResponse(status=501)


def entity_lookup(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def record_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def record_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_submit(request, *args, **kwargs):
    return HttpResponse(status=501)


def clue_withdraw(request, *args, **kwargs):
    return HttpResponse(status=501)


def evidence_upload(request, *args, **kwargs):
    return HttpResponse(status=501)


def evidence_download(request, *args, **kwargs):
    return HttpResponse(status=501)


def record_edit(request, *args, **kwargs):
    return HttpResponse(status=501)
