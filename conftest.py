"""Fixtures shared by every app's tests: people in each role, signing in, a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import services as account_services
from jichitai.accounts.models import StaffRole, User
from jichitai.accounts.roles import Role
from jichitai.core.models import Municipality, OrgUnit

TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture
def municipality(db: None) -> Municipality:
    return Municipality.objects.create(
        code="131113",
        name_ja="大田区",
        name_en="Ota City",
        prefecture_ja="東京都",
        prefecture_en="Tokyo",
    )


@pytest.fixture
def departments(municipality: Municipality) -> dict[str, OrgUnit]:
    """Two departments in one division: enough to show that staff see only their own."""
    division = OrgUnit.objects.create(
        municipality=municipality, level="division", code="kumin", name_ja="区民部"
    )
    return {
        code: OrgUnit.objects.create(
            municipality=municipality, parent=division, level="department", code=code, name_ja=name
        )
        for code, name in [("koseki", "戸籍住民課"), ("kazei", "課税課")]
    }


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(kind: str = "resident", *, verified: bool = True, **fields: Any) -> User:
        number = next(counter)
        fields.setdefault("email", f"{kind}{number}@example.jp")
        fields.setdefault("display_name", f"{kind} {number}")
        return User.objects.create_user(
            password=TEST_PASSWORD,
            kind=kind,
            email_verified_at=timezone.now() if verified else None,
            **fields,
        )

    return make


@pytest.fixture
def make_staff(
    make_user: Callable[..., User], departments: dict[str, OrgUnit]
) -> Callable[..., User]:
    """make_staff("clerk", "koseki") → a staff member holding that role in that department,
    with a confirmed authenticator."""

    def make(*roles: tuple[str, str | None] | str, department: str | None = "koseki") -> User:
        user = make_user("staff")
        for spec in roles:
            role, dept = (spec, department) if isinstance(spec, str) else spec
            if role in (Role.SYSTEM_ADMIN, Role.AUDITOR):
                dept = None
            StaffRole.objects.create(
                user=user, role=role, department=departments[dept] if dept else None
            )
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return user

    return make


def sign_in(client: Any, user: User) -> None:
    """Sign a user in on a Django test client as the real flow leaves them: staff with a verified
    second factor and fresh session clocks."""
    client.force_login(user)
    if user.is_staff_member:
        session = client.session
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[account_services.STAFF_SIGNED_IN_AT_KEY] = time.time()
        session[account_services.STAFF_LAST_SEEN_KEY] = time.time()
        session.save()


@pytest.fixture
def signed_in() -> Callable[[Any, User], None]:
    return sign_in


class _Inbox:
    """Messages received by the test SMTP server."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"expected {count} message(s), got {len(self.messages)}"
        return self.messages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[_Inbox]:
    """A real SMTP server on loopback; Django sends to it over SMTP."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


@pytest.fixture
def catalogue(departments: dict[str, OrgUnit]) -> dict[str, Any]:
    """Three published procedures, one unpublished, and a life event with two of them."""
    from jichitai.procedures import services as procedure_services
    from jichitai.procedures.models import LifeEvent, LifeEventStep

    def make(slug: str, title: str, **fields: Any) -> Any:
        defaults = {
            "department": departments["koseki"],
            "summary_ja": f"{title}の概要",
            "channel": "online",
            "is_published": True,
        }
        return procedure_services.create_procedure(
            slug=slug, title_ja=title, **{**defaults, **fields}
        )

    procedures = {
        "gomi": make(
            "sodai-gomi",
            "粗大ごみ収集の申込み",
            title_en="Bulky waste collection",
            department=departments["kazei"],
            keywords="粗大ゴミ 家具",
            fee_yen=400,
        ),
        "jido": make(
            "jido-teate",
            "児童手当の認定請求",
            documents_ja="健康保険証\n口座の情報",
            standard_processing_days=20,
        ),
        "tennyu": make("tennyu-todoke", "転入届", channel="counter", keywords="引越し 引っ越し"),
        "draft": make("mikokai", "未公開のごみ手続き", is_published=False),
    }
    moving = LifeEvent.objects.create(
        slug="moving", title_ja="引越し", title_en="Moving house", summary_ja="引越しの手続き"
    )
    LifeEventStep.objects.create(
        life_event=moving, procedure=procedures["jido"], order=1, timing_ja="15日以内"
    )
    LifeEventStep.objects.create(
        life_event=moving, procedure=procedures["tennyu"], order=0, timing_ja="14日以内"
    )
    LifeEventStep.objects.create(life_event=moving, procedure=procedures["draft"], order=2)
    return {**procedures, "moving": moving}


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Uploaded files from tests never land in var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def fsynced_paths(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every path os.fsync is called for from now on (the descriptor's target), in order."""
    synced: list[Path] = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    return synced


def _commits_for_real(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _no_datastore_tables_left(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """After a test that commits for real, drop the open data datastore's tables it made: no
    flush empties them (jichitai/opendata/tests/datastore_cleanup.py)."""
    yield
    if _commits_for_real(request):
        from jichitai.opendata.tests.datastore_cleanup import drop_datastore_tables

        with django_db_blocker.unblock():
            drop_datastore_tables()


@pytest.fixture
def oidc_provider(settings: Any) -> Iterator[Any]:
    """The sample OpenID Connect provider on a real loopback port, configured as "sample"."""
    from jichitai.accounts.tests.oidc import provider_setting, running_sample_provider

    with running_sample_provider() as provider:
        settings.JICHITAI_OIDC_PROVIDERS = provider_setting(provider)
        yield provider


@pytest.fixture
def personas(make_user: Callable[..., User], make_staff: Callable[..., User]) -> dict[str, Any]:
    """The people of the access matrices (tests/access/matrix.py PERSONAS), except "owner",
    whom each matrix makes itself: another resident, staff of 戸籍住民課 (koseki, which owns
    the objects) in each department role, staff of 課税課 (kazei), and the organisation-wide
    roles."""
    return {
        "anonymous": None,
        "resident": make_user("resident"),
        "clerk": make_staff("clerk", department="koseki"),
        "approver": make_staff("approver", department="koseki"),
        "department_admin": make_staff("department_admin", department="koseki"),
        "other_department_clerk": make_staff("clerk", department="kazei"),
        "other_department_admin": make_staff("department_admin", department="kazei"),
        "system_admin": make_staff("system_admin"),
        "auditor": make_staff("auditor"),
    }
