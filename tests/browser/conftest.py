"""Playwright driving Debian's Chromium against the live test server; axe-core from npm."""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from csp.utils import build_policy
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# here are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.1 A and AA rules on the current page, with or without JavaScript.

    axe needs timers, which never fire where scripts are off; there the page's DOM is checked
    in a JavaScript-enabled copy instead (see `_scriptless_copy`)."""
    if not _scripts_off(page):
        return _run_axe(page)
    with _scriptless_copy(page) as copy:
        return _run_axe(copy)


def _run_axe(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


# Playwright evaluates in a page even where its scripts are off; HTML fragments are parsed
# there as by a browser without scripting, so a <noscript>'s content becomes elements.
_SCRIPTS_OFF_PROBE = """() => {
  const probe = document.createElement("div");
  probe.innerHTML = "<noscript><i></i></noscript>";
  return probe.querySelector("noscript i") !== null;
}"""
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_NOSCRIPT_TAG = re.compile(r"</?noscript\b[^>]*>", re.IGNORECASE)
_RENDERING = {"stylesheet", "image", "font", "media"}


def _scripts_off(page: Page) -> bool:
    return bool(page.evaluate(_SCRIPTS_OFF_PROBE))


@contextmanager
def _scriptless_copy(page: Page) -> Iterator[Page]:
    """A JavaScript-enabled page showing what `page` (scripts off) shows: its DOM, served at
    the same address with the same cookies and viewport so styles and links resolve alike,
    with every page script removed or refused and <noscript> content shown, as without
    JavaScript. Closed before returning, so no connection of it outlives the test."""
    browser = page.context.browser
    assert browser is not None
    snapshot = _NOSCRIPT_TAG.sub("", _SCRIPT.sub("", page.content()))

    def serve(route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                # The site's policy, as on the page itself: inline styles do not apply there.
                headers={"Content-Security-Policy": build_policy()},
                body=snapshot,
            )
        elif request.resource_type in _RENDERING:
            route.continue_()
        else:  # scripts, and what is fetched once the page has loaded (its icon)
            route.abort()

    context = browser.new_context(locale="ja-JP", viewport=page.viewport_size)
    try:
        context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
        context.route("**/*", serve)
        copy = context.new_page()
        copy.set_default_timeout(15_000)
        copy.goto(page.url, wait_until="load")
        yield copy
    finally:
        context.close()


def totp_now(secret_base32: str, *, at: float | None = None, step_offset: int = 0) -> str:
    """The code an authenticator app would show for this secret now (or at `at`, or steps later)."""
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    totp = TOTP(base64.b32decode(padded), step=30, t0=0, digits=6)
    totp.time = (at if at is not None else time.time()) + 30 * step_offset
    return f"{totp.token():06d}"


def sign_in_staff(page: Page, user: Any, password: str) -> None:
    """Sign a staff member with a confirmed authenticator in through the real pages."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    submit_sign_in(page, user.email, password)
    # A code is accepted once: after an earlier sign-in in this time step, use the next step's
    # code (within the device's tolerance), as an authenticator app would a moment later.
    step = max(int(time.time() // 30), device.last_t + 1)
    page.get_by_label("確認コード").fill(
        totp_now(base64.b32encode(device.bin_key).decode(), at=step * 30)
    )
    page.get_by_role("button", name="確認する").click()


def submit_sign_in(page: Page, email: str, password: str) -> None:
    """Fill in and send the sign-in form (the first step for staff)."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="サインインする").click()
