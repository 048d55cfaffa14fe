"""Every form a person reaches on the demo site, sent hostile values: never a server error,
and never a value that comes back as markup.

The demo data (`manage.py load_demo_data`) is crawled as each kind of person it has, by links
from their start pages (at most PAGES_PER_PERSON pages, PAGES_PER_ROUTE of each URL pattern).
Each form found, one of each kind, is sent as a person fills it; then with one hostile value
in one field and plausible values elsewhere (so that the code behind the other fields' checks
is reached), until every field has had a hostile value and every hostile value a field; then
with the hostile characters in every field at once; then, where it takes files, with each of
HOSTILE_FILES.

Session 11 found by hand what this keeps found: a NUL that PostgreSQL refused with a server
error, a year 1 stored as 1 BC, tokens beyond ASCII, control characters stored in notes.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from jichitai.accounts.models import User
from jichitai.procedures.models import Application, ApplicationStatus
from tests.contract.form_crawl import Form, read_page

pytestmark = pytest.mark.django_db

PAGES_PER_PERSON = 60
PAGES_PER_ROUTE = 2
MARKUP = '"><i data-fuzz=1>'
HOSTILE: list[str | bytes] = [
    "\x00",  # PostgreSQL refuses a NUL in text
    "\x1b\u202e\u0007",  # control characters, a right-to-left override
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 encodes none
    b"\xff\xfe",  # not UTF-8 at all
    "9" * 30,  # past every integer column
    "0001-01-01",
    "x" * 20_000,
    MARKUP,
]
# What goes into a file field: a small PDF, then files a person could be tricked into
# sending, or an attacker would send (markup and controls in the name, a picture that is not).
PLAIN_FILE = ("fuzz.pdf", b"%PDF-1.4\n%fuzz\n")
HOSTILE_FILES = [
    (MARKUP + ".pdf", PLAIN_FILE[1]),
    ("\u202egpj.pdf", PLAIN_FILE[1]),
    ("empty.pdf", b""),
    ("picture.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
]
# Who, where they start, and the part of the site that is theirs to crawl (the public pages
# are crawled once, by the anonymous visitor).
RESIDENTS_PART = ("/mypage/", "/procedures/", "/applications/", "/account/")
PEOPLE = {
    "anonymous": (None, ["/", "/procedures/", "/data/", "/accounts/sign-in/"], ("/",)),
    "resident": (
        "resident3@example.jp",
        ["/applications/", "/procedures/sodai-gomi/"],
        RESIDENTS_PART,
    ),
    "clerk": ("clerk@example.jp", ["/staff/"], ("/staff/",)),
    "approver": ("approver@example.jp", ["/staff/"], ("/staff/",)),
    "department_admin": ("depadmin@example.jp", ["/staff/"], ("/staff/",)),
    "open_data_staff": ("seiso@example.jp", ["/staff/data/"], ("/staff/",)),
    "system_admin": ("sysadmin@example.jp", ["/staff/"], ("/staff/",)),
    "auditor": ("auditor@example.jp", ["/staff/"], ("/staff/",)),
}
# Not pages: static files, the JSON APIs (fuzzed by schemathesis), the identity provider's
# sign-in (another site; 502 here, where none runs).
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/accounts/identity/begin/")


@dataclass
class Fault:
    person: str
    form: Form
    field: str
    value: str | bytes
    problem: str  # "500", "markup shown"

    def __str__(self) -> str:
        request = f"{self.person} {self.form.method.upper()} {self.form.action}"
        return f"{request} {self.field}={self.value!r:.30} → {self.problem}"


@pytest.fixture
def demo_site() -> None:
    call_command("load_demo_data", verbosity=0)


def test_no_form_answers_hostile_input_with_a_server_error_or_markup(demo_site: None) -> None:
    faults: list[str] = []
    fuzzed: set[Any] = set()
    for person, (email, starts, area) in PEOPLE.items():
        starts = [*_corrections_awaiting(email), *starts]
        faults.extend(_explore(person, email, starts, area, fuzzed))
    assert not faults, "\n".join(faults)


def _corrections_awaiting(email: str | None) -> list[str]:
    """The correction pages of the person's applications sent back to them (a link the crawl
    may not reach within its pages: their receipt numbers differ with each demo load)."""
    waiting = Application.objects.filter(
        applicant__email=email, status=ApplicationStatus.CORRECTION_REQUESTED
    )
    return [
        f"/applications/{number}/correction/check/"
        for number in waiting.values_list("receipt_number", flat=True)
    ]


def _client_of(email: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if email is not None:
        _sign_in(client, email)
    return client


def _sign_in(client: Client, email: str) -> None:
    user = User.objects.get(email=email)
    if user.is_staff_member:  # as if enrolled: the demo's staff enrol at their first sign-in
        TOTPDevice.objects.get_or_create(user=user, name="authenticator", confirmed=True)
    sign_in(client, user)


def _explore(
    person: str, email: str | None, starts: list[str], area: tuple[str, ...], fuzzed: set[Any]
) -> Iterator[str]:
    """Crawl the person's part of the site by links, fuzzing each form not fuzzed yet (by
    anyone) as it is found; where a form sent as a person fills it leads on (an application
    begun, a record made), the crawl goes there too."""
    client = _client_of(email)
    queue, seen, routes = deque(starts), set(starts), Counter[str]()
    pages = 0
    while queue and pages < PAGES_PER_PERSON:
        url = queue.popleft()
        if routes[_route(url)] >= PAGES_PER_ROUTE:
            continue
        response = _apart(lambda: client.get(url))  # noqa: B023  (called at once)
        pages += 1
        if response.status_code == 500:
            yield f"{person} GET {url} → 500"
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        routes[_route(url)] += 1  # a page refused (409, 404) takes no place of its route's
        page = read_page("http://testserver" + url, response.content.decode())
        found = list(page.links)
        for form in page.forms:
            # One of each: the same form on a thousand records, or at each data set, is
            # one form to a fuzzer.
            shape = (form.method, _route(form.action), tuple(form.fuzzable()))
            if shape in fuzzed:
                continue
            fuzzed.add(shape)
            faults, leads_to = _fuzz(client, email, form, person)
            yield from (str(fault) for fault in faults)
            found.extend(leads_to)
        for link in found:
            target = _local(link)
            if target is not None and target not in seen and target.startswith(area):
                seen.add(target)
                queue.append(target)


def _apart(request: Callable[[], Any]) -> Any:
    """Make a request in a savepoint of its own, so that a server error which aborted
    PostgreSQL's transaction is reported with the rest and the crawl goes on. A download is
    read to its end, which closes its file (the test client wraps it so that closing keeps
    the test's database connection; `close()` itself would not)."""
    savepoint = transaction.savepoint()
    response = request()
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    if response.status_code == 500:
        transaction.set_rollback(False)  # first: Django refuses queries in a broken one
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


def _route(url: str) -> str:
    """The URL pattern a URL matches: the same for every record and every data set."""
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return urlsplit(url).path


def _local(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme not in {"http", ""} or parts.netloc not in {"testserver", ""}:
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _fuzz(
    client: Client, email: str | None, form: Form, person: str
) -> tuple[list[Fault], list[str]]:
    """Send the form as filled in, then hostile; the faults, and where the first led."""
    baseline, faults, leads_to = form.baseline(), [], []
    tries: list[tuple[str, str | bytes, list[tuple[str, str | bytes]], tuple[str, bytes]]] = [
        (name, value, _with(baseline, name, value), PLAIN_FILE)
        for name, value in [("", ""), *_mutations(form)]
    ]
    if form.file_fields():
        as_filled = _with(baseline, "", "")
        tries += [("<file>", upload[0], as_filled, upload) for upload in HOSTILE_FILES]
    for name, value, pairs, upload in tries:
        if email is not None:
            _sign_in(client, email)  # a form may have signed the person out
        response = _apart(lambda: _send(client, form, pairs, upload))  # noqa: B023  (called at once)
        if not name and response.status_code in {301, 302, 303}:
            leads_to.append(urljoin("http://testserver/", response["Location"]))
        if response.status_code == 500:
            faults.append(Fault(person, form, name, value, "500"))
        elif not response.streaming and b"<i data-fuzz=1>" in response.content:
            faults.append(Fault(person, form, name, value, "markup shown"))
    if email is not None:
        _sign_in(client, email)  # the crawl goes on as the person
    return faults, leads_to


def _mutations(form: Form) -> list[tuple[str, str | bytes]]:
    """Each field with a hostile value and each hostile value in a field; then the hostile
    characters in every field at once ("*")."""
    fields = form.fuzzable()
    if not fields:
        return []
    rounds = max(len(fields), len(HOSTILE))
    pairs = zip(itertools.islice(itertools.cycle(fields), rounds), itertools.cycle(HOSTILE))
    return [*pairs, *(("*", value) for value in HOSTILE[:4])]


def _with(
    baseline: list[tuple[str, str]], name: str, value: str | bytes
) -> list[tuple[str, str | bytes]]:
    if name == "*":
        return [(key, value) for key, _ in baseline]
    replaced: list[tuple[str, str | bytes]] = [
        (key, value if key == name else old) for key, old in baseline
    ]
    if name and all(key != name for key, _ in baseline):
        replaced.append((name, value))
    return replaced


def _send(
    client: Client, form: Form, pairs: list[tuple[str, str | bytes]], upload: tuple[str, bytes]
) -> Any:
    path = _local(form.action) or urlsplit(form.action).path
    if form.method != "post":
        separator = "&" if "?" in path else "?"
        return client.get(path + separator + urlencode(pairs))
    if form.enctype == "multipart/form-data":
        data: dict[str, list[Any]] = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        for key in form.file_fields():
            data[key] = [SimpleUploadedFile(*upload)]
        return client.post(path, data)
    return client.post(path, urlencode(pairs), content_type="application/x-www-form-urlencoded")
