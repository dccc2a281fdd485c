"""Who may open or post to every URL of the project, against objects of their own township, a sibling township and
another county (the way NetBox's and DefectDojo's permission-test mixins walk every view: one test per pattern, role
and scope).

MATRIX lists every URL pattern; ``test_every_url_pattern_is_in_the_matrix`` fails on one it does not list. For each
pattern it says what a GET and a POST get for each role, on the objects of the own township (its staff; the county's
office, leader and admin):

    A  allowed: anything but 403, 404, 405, 500 and a redirect to the login page. A POST carries the least data that
       reaches the permission check (a form may then refuse it: the point is whether the user gets that far)
    F  403: an action or page the role does not hold, on an object within its reach
    N  404: an object out of the role's reach        M  405: a method the URL does not take
    L  a redirect to the login page

Every role allowed on an own object then gets 404 for the same object of another county, and township staff for that
of the sibling township: an object is looked up among those the user may reach before anything else is decided, so
one beyond reach is never even confirmed to exist. Anonymous users are sent to the login page but on the public pages.

Every management command that acts as a ``--user`` refuses, with a CommandError (a non-zero exit), a user who may not
do it for the unit named: one of another county, one of the sibling township, a role without the permission.

The Django admin (admin/) is left out: its pages check model permissions of their own and are covered by
tests/orgs/test_admin.py. Static files carry no data.
"""

from dataclasses import dataclass
from functools import partial
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ledger import importing
from tests.authorization_world import build_world
from tests.ledger.workbooks import clue_row, clues_xlsx, xlsx

ROLES = ("staff", "office", "leader", "admin")
ALLOWED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, LOGIN = "A", "F", "N", "M", "L"
UNIT_SCOPED = {"unit", "clue", "draft", "record", "evidence", "disposal", "disposal_file", "run", "briefing",
               "briefing_file", "filing", "filing_file", "inspection", "inspection_action", "tip", "tip_file", "entity",
               "watch_entry", "received"}


@dataclass(frozen=True)
class Row:
    get: str  # what staff, office, leader and admin get, e.g. "AANN"
    post: str
    args: tuple[str, ...] = ()  # object kinds, resolved per scope, or literal values "=value"
    query: tuple[tuple[str, str], ...] = ()  # GET parameters of both methods, resolved like args
    data: tuple[tuple[str, str], ...] = ()  # the POST's fields, resolved like args; "@file" is an uploaded file
    public: str = ""  # what anonymous users get on a public page (GET, POST); elsewhere "LL"

    def expected(self, method: str, role: str) -> str:
        if role == "anonymous":
            return (self.public or "LL")[0 if method == "GET" else 1]
        return (self.get if method == "GET" else self.post)[ROLES.index(role)]

    def url_tokens(self) -> tuple[str, ...]:
        # The objects a URL names are checked in every scope; those a form posts are its own to refuse (a choice
        # beyond reach is not among the form's choices).
        return self.args + tuple(token for _, token in self.query)

    @property
    def names_object(self) -> bool:
        return any(token[0] not in "=@" for token in self.url_tokens())

    @property
    def unit_scoped(self) -> bool:
        return any(token in UNIT_SCOPED for token in self.url_tokens())


CLUE_DECISION = (("reason", "=x"), ("public_reach", "=5"), ("risk_exposure", "=5"), ("opinion_heat", "=5"),
                 ("stability_risk", "=5"), ("level", "=low"), ("is_key", "=1"), ("track", "=rectify"),
                 ("stage", "=planned"), ("on", "=2026-01-01"), ("text", "=x"))

# name: Row(GET for staff, office, leader, admin; POST for the same; ...)
MATRIX: dict[str, Row] = {
    "home": Row("AAAA", "AAAA"),
    "favicon.ico": Row("AAAA", "AAAA", public="AA"),
    "login": Row("AAAA", "AAAA", public="AA"),
    "logout": Row("MMMM", "LLLL", public="ML"),
    "password_change": Row("AAAA", "AAAA"),
    "password_change_done": Row("AAAA", "MMMM"),
    "set_language": Row("AAAA", "AAAA", public="AA"),
    # orgs
    "orgs:unit_tree": Row("AAAF", "AAAF"),
    "orgs:manage": Row("FFFA", "FFFA"),
    "orgs:switch_unit": Row("MMMM", "NNNN"),  # a membership that is not the user's: 404
    "orgs:notifications": Row("AAAA", "AAAA"),
    "orgs:notifications_mark_read": Row("MMMM", "AAAA"),
    # ledger: campaign pages
    "ledger:home": Row("AAAA", "AAAA"),
    "ledger:entity_lookup": Row("AAAF", "AAAF", query=(("campaign", "campaign"), ("q", "=天津"))),
    "ledger:clue_list": Row("AAAA", "AAAA", args=("campaign",)),
    "ledger:clue_create": Row("AFFF", "AFFF", args=("campaign",)),
    # Each ticked clue the user does not enter for is refused by name, nothing submitted (tests/ledger/test_bulk_submit.py)
    "ledger:clues_submit": Row("MMMM", "AAAA", args=("campaign",), data=(("clue", "draft"), ("confirmed", "=1"))),
    "ledger:record_list": Row("AAAA", "AAAA", args=("campaign",)),
    "ledger:record_create": Row("AFFF", "AFFF", args=("campaign",)),
    "ledger:export": Row("AAAF", "AAAF", args=("campaign",)),
    "ledger:template_download": Row("AAAA", "AAAA", args=("campaign", "=clues")),
    "ledger:import_upload": Row("AFFF", "AFFN", args=("campaign", "=clues"), data=(("unit", "unit"),)),
    "ledger:import_confirm": Row("MMMM", "AAAA", args=("campaign", "=clues")),  # nothing of theirs is pending
    # ledger: a clue and what hangs on it
    "ledger:clue_detail": Row("AAAN", "AAAN", args=("clue",)),
    "ledger:clue_edit": Row("AFFN", "AFFN", args=("draft",)),
    "ledger:clue_submit": Row("MMMM", "AFFN", args=("draft",)),
    "ledger:clue_withdraw": Row("MMMM", "AFFN", args=("clue",), data=(("reason", "=x"),)),
    "ledger:evidence_upload": Row("MMMM", "AFFN", args=("clue",), data=(("file", "@file"),)),
    "ledger:evidence_download": Row("AAAN", "AAAN", args=("evidence",)),
    "ledger:record_edit": Row("AFFN", "AFFN", args=("record",)),
    # review: the responsible unit's tasks
    "review:home": Row("AAAA", "AAAA"),
    "review:tasks": Row("AFFF", "AFFF"),
    "review:task": Row("ANNN", "ANNN", args=("disposal",)),
    "review:task_progress": Row("MMMM", "ANNN", args=("disposal",), data=(("on", "=2026-01-01"), ("text", "=x"))),
    "review:task_file": Row("MMMM", "ANNN", args=("disposal",), data=(("file", "@file"),)),
    "review:task_stage": Row("MMMM", "ANNN", args=("disposal",), data=(("stage", "=under_way"), ("text", "=x"))),
    "review:disposal_file": Row("AANN", "AANN", args=("disposal_file",)),
    # review: the office's campaign pages (the campaign alone is named: refused as an action, 403, within reach)
    "review:queue": Row("FAFF", "FAFF", args=("campaign",)),
    "review:queue_accept": Row("MMMM", "FAFF", args=("campaign",)),
    "review:queue_return": Row("MMMM", "FAFF", args=("campaign",)),
    "review:overdue": Row("FAAF", "FAAF", args=("campaign",)),
    "review:approvals": Row("FAAF", "FAAF", args=("campaign",)),
    "review:approval_action": Row("MMMM", "FAFN", args=("campaign", "unit"), data=(("action", "=approve"),)),
    "review:declare": Row("AFFF", "AFFF", args=("campaign",)),
    # review: the office's clue page and its actions
    "review:clue": Row("NANN", "NANN", args=("clue",)),
    "review:clue_accept": Row("MMMM", "NANN", args=("clue",)),
    "review:clue_return": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:clue_rate": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:clue_override": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:clue_key": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:disposal_save": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:progress_add": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:clue_transfer": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    "review:clue_merge": Row("MMMM", "NANN", args=("clue",), data=CLUE_DECISION),
    # review: an entity's history, its people and the watch list (staff and leaders read it; the office lists)
    "review:entity": Row("AAAN", "MMMM", args=("entity",)),
    "review:entity_person_add": Row("MMMM", "AAFN", args=("entity",), data=(("name", "=张三"), ("role", "=agent"))),
    "review:watch_add": Row("MMMM", "FAFN", args=("entity",), data=(("reason", "=x"),)),
    "review:watch_leave": Row("MMMM", "FAFN", args=("watch_entry",), data=(("reason", "=x"),)),
    # review: across counties. A notice is reached by the county notified (the own one was sent to the own county by
    # another), its office acting, its leaders reading; a joint case by the counties named in it and the city office,
    # which alone names them: a county's office reaches its case and is refused the naming (403)
    "review:clue_notify": Row("MMMM", "NANN", args=("clue",), data=(("to_county", "=0"),)),
    "review:notices": Row("FAAF", "MMMM"),
    "review:notices_sent": Row("FAAF", "MMMM"),
    "review:notice": Row("NAAN", "MMMM", args=("notice",)),
    "review:notice_acknowledge": Row("MMMM", "NAFN", args=("notice",)),
    "review:notice_clue": Row("MMMM", "NAFN", args=("notice",)),
    "review:cases": Row("FAAF", "MMMM"),
    "review:case_create": Row("FFFF", "FFFF"),
    "review:case": Row("NAAN", "MMMM", args=("case",)),
    "review:case_assign": Row("MMMM", "NFFN", args=("case",), data=(("lead", "=0"),)),
    # reports
    "reports:index": Row("AAAA", "AAAA"),
    "reports:run": Row("AAAN", "AAAN", args=("run",)),
    "reports:download": Row("AAAN", "AAAN", args=("run",)),
    "reports:campaign": Row("AAAN", "AAAN", args=("campaign",), query=(("unit", "unit"),)),
    "reports:build": Row("MMMM", "AAAN", args=("campaign",), query=(("unit", "unit"),), data=(("kind", "=ledger"),)),
    "reports:county_return": Row("FAFN", "FAFN", args=("campaign",)),
    "reports:completeness": Row("FAAN", "FAAN", args=("campaign",), query=(("unit", "unit"),)),
    "reports:chase": Row("MMMM", "FAFN", args=("campaign",), query=(("unit", "unit"),), data=(("target", "=late"),)),
    "reports:preview": Row("AAAN", "AAAN", args=("campaign", "=attachment1"), query=(("unit", "unit"),)),
    # the county's own office files the tables its units send (a PDF is refused by the form: it got that far); the
    # file of a received table is read by those who see the unit that sent it
    "reports:received": Row("FAFN", "FAFN", args=("campaign",), query=(("unit", "unit"),),
                            data=(("sender", "unit"), ("file", "@file"))),
    "reports:received_file": Row("AAAN", "AAAN", args=("received",)),
    # oversight: the unit's campaign work (staff for their unit, the county office for its county)
    "oversight:work": Row("AAFF", "AAFF", args=("campaign",)),
    "oversight:briefing_add": Row("MMMM", "AAFF", args=("campaign",)),
    "oversight:filing_save": Row("MMMM", "AAFF", args=("campaign", "=plan")),
    "oversight:results_save": Row("MMMM", "AAFF", args=("campaign",)),
    "oversight:briefings": Row("AAAF", "AAAF", args=("campaign",)),
    "oversight:quotas": Row("FFFA", "FFFA", args=("campaign",)),
    "oversight:briefing": Row("AAAN", "AAAN", args=("briefing",)),
    "oversight:briefing_file": Row("AAAN", "AAAN", args=("briefing_file",)),
    "oversight:filing": Row("AAAN", "AAAN", args=("filing",)),
    "oversight:filing_file": Row("AAAN", "AAAN", args=("filing_file",)),
    # oversight: the office's bulletins, read by its leaders
    "oversight:bulletins": Row("FAAF", "FAAF", args=("campaign",)),
    "oversight:bulletin_issue": Row("MMMM", "FAFF", args=("campaign",)),
    "oversight:bulletin_docx": Row("NAAN", "NAAN", args=("bulletin",)),
    # oversight: inspections (督导检查), recorded by the office, answered by the unit
    "oversight:inspections": Row("FAAF", "FAAF", args=("campaign",)),
    "oversight:inspection_record": Row("MMMM", "FAFF", args=("campaign",)),
    "oversight:inspection": Row("AAAN", "AAAN", args=("inspection",)),
    "oversight:action_answer": Row("MMMM", "AFFN", args=("inspection", "inspection_action")),
    "oversight:action_close": Row("MMMM", "FAFN", args=("inspection", "inspection_action")),
    # tips: the public pages (no login), then the county office's handling (the own tip is the county's, assigned to
    # the own township, whose staff see it and record their finding; the office's actions are refused to them)
    "tips:file": Row("AAAA", "AAAA", public="AA"),
    "tips:status": Row("AAAA", "AAAA", public="AA"),
    # public: a key never issued is gone (410); one issued is drawn in tests/tips/test_public.py
    "tips:captcha": Row("AAAA", "AAAA", args=("=nosuchkey",), public="AA"),
    "tips:list": Row("AAFF", "AAFF"),
    "tips:detail": Row("AANN", "AANN", args=("tip",)),
    "tips:reporter": Row("MMMM", "FANN", args=("tip",)),
    "tips:act": Row("MMMM", "FANN", args=("tip", "=register")),
    "tips:file_download": Row("AANN", "AANN", args=("tip_file",)),
    # screening: campaigns, configured by the admin
    "screening:campaign_list": Row("AAAA", "AAAA"),
    "screening:campaign_create": Row("FFFA", "FFFA"),
    "screening:campaign_detail": Row("AAAA", "AAAA", args=("campaign",)),
    "screening:campaign_edit": Row("FFFA", "FFFA", args=("campaign",)),
    "screening:campaign_copy": Row("FFFA", "FFFA", args=("campaign",)),
    "screening:phases": Row("FFFA", "FFFA", args=("campaign",)),
    "screening:taxonomy": Row("FFFA", "FFFA", args=("campaign", "=sector")),
    "screening:term_action": Row("MMMM", "FFFA", args=("campaign", "term"), data=(("action", "=retire"),)),
    "screening:responsibilities": Row("FFFA", "FFFA", args=("campaign",)),
    "screening:responsibility_set": Row("MMMM", "FFFA", args=("campaign", "term")),
    "screening:expected_units": Row("FFFA", "FFFA", args=("campaign",)),
    "screening:lock_exception_grant": Row("MMMM", "FAFF", args=("campaign",)),
}


def url_patterns(resolver=None, namespace="", prefix=""):
    """Every URL pattern of the project as its reversible name (or its route when it has none)."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "static/")):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else route


def test_every_url_pattern_is_in_the_matrix():
    patterns = list(url_patterns())
    assert len(patterns) > 70
    assert set(patterns) - set(MATRIX) == set(), "add these URL patterns to MATRIX"
    assert set(MATRIX) - set(patterns) == set(), "these are no longer URL patterns"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The tree, two campaigns and one object of each kind per scope, built once: each test runs in a savepoint."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


def resolve(world, token: str, scope: str):
    if token.startswith("="):
        return token[1:]
    if token == "@file":
        return SimpleUploadedFile("记录.pdf", b"%PDF-1.4")
    obj = world.of(token, scope)
    return obj.slug if token == "campaign" else obj.pk


def url_of(world, name: str, row: Row, scope: str) -> str:
    if ":" in name or name.isidentifier():
        url = reverse(name, args=[resolve(world, token, scope) for token in row.args])
    else:
        url = "/" + name  # a pattern without a name
    if row.query:
        url += "?" + "&".join(f"{key}={resolve(world, token, scope)}" for key, token in row.query)
    return url


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(response.status_code, ALLOWED)


def cases():
    for name, row in MATRIX.items():
        for method in ("GET", "POST"):
            for role in ("anonymous", *ROLES):
                yield pytest.param(name, method, role, "own", id=f"{name}-{method}-{role}")
                if role == "anonymous" or row.expected(method, role) != ALLOWED or not row.names_object:
                    continue
                if role == "staff" and row.unit_scoped:
                    yield pytest.param(name, method, role, "sibling", id=f"{name}-{method}-{role}-sibling")
                yield pytest.param(name, method, role, "other_county", id=f"{name}-{method}-{role}-other_county")


@pytest.mark.parametrize(("name", "method", "role", "scope"), list(cases()))
def test_the_matrix(world, db, client, name, method, role, scope):
    row = MATRIX[name]
    if role != "anonymous":
        client.force_login(world.tree.user(role))
    url = url_of(world, name, row, scope)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {key: resolve(world, token, scope) for key, token in row.data})
    assert response.status_code != 500
    expected = row.expected(method, role) if scope == "own" else NOT_FOUND
    assert outcome(response) == expected, f"{method} {url} as {role} ({scope}): {response.status_code}"


# Management commands that act as a user: the unit they act on, and who may not. The own township's staff import into
# it (the refusals are about the user, not the file); building a report needs a worker to finish, which a test in a
# transaction never lets run, so build_report's allowed users are tested in tests/reports/test_runs.py.
RECORD_HEADERS = (importing.NAME, importing.CODE, importing.SECTOR)
COMMANDS = {
    "import_clues": (["--unit", "A1"], clues_xlsx([clue_row(1)]), "staff",
                     ["sibling_staff", "other_staff", "office", "other_office", "leader", "admin"]),
    "import_screening": (["--unit", "A1"], xlsx(RECORD_HEADERS, [clue_row(1)]), "staff",
                         ["sibling_staff", "other_staff", "office", "other_office", "leader", "admin"]),
    "build_report": (["attachment1", "--unit", "A", "--output", "unused.xlsx"], None, None,
                     ["staff", "other_staff", "other_office", "admin"]),
}


def commands_taking_a_user() -> set[str]:
    names = set()
    for name, app in get_commands().items():
        if not isinstance(app, str) or app.startswith("django"):
            continue
        parser = load_command_class(app, name).create_parser("manage.py", name)
        if any("--user" in action.option_strings for action in parser._actions):
            names.add(name)
    return names


def test_every_command_taking_a_user_is_in_the_matrix():
    assert commands_taking_a_user() == set(COMMANDS)


def command_cases():
    for name, (_args, _book, allowed, refused) in COMMANDS.items():
        if allowed:
            yield pytest.param(name, allowed, True, id=f"{name}-{allowed}")
        yield from (pytest.param(name, user, False, id=f"{name}-{user}") for user in refused)


@pytest.mark.parametrize(("name", "username", "allowed"), list(command_cases()))
def test_the_commands_refuse_whom_the_unit_is_not_theirs(world, db, tmp_path, name, username, allowed):
    args, book, _allowed, _refused = COMMANDS[name]
    if book is not None:
        (tmp_path / "book.xlsx").write_bytes(book)
        args = [str(tmp_path / "book.xlsx"), *args]
    run = partial(call_command, name, *args, "--campaign", "open", "--user", username, stdout=StringIO(),
                  stderr=StringIO())
    if allowed:
        run()
    else:
        with pytest.raises(CommandError, match="您无权"):
            run()
