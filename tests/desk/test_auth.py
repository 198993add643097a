"""Signing in, sessions, CSRF, back-off and the security headers, against a real server."""

from __future__ import annotations

import re

from tests.desk.conftest import PASSWORD, Browser, DeskServer


def test_pages_need_a_session_and_a_login_sets_a_strict_cookie(browser: Browser) -> None:
    assert browser.get("/desk/").headers["location"] == "/desk/login"
    response = browser.login()
    assert response.status_code == 303
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("retold_desk=")
    )
    for part in ("HttpOnly", "Secure", "SameSite=strict", "Path=/desk"):
        assert part.lower() in cookie.lower(), part
    page = browser.get("/desk/")
    assert page.status_code == 200 and "Harbour Bridge to close" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and page.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in page.text and " style=" not in page.text  # nothing inline


def test_a_wrong_password_fails_and_sign_out_ends_the_session(browser: Browser) -> None:
    assert browser.login(password="not the password").status_code == 401
    assert browser.login().status_code == 303
    token = browser.csrf("/desk/")
    assert browser.post("/desk/logout", {"csrf": token}).status_code == 303
    assert browser.get("/desk/").status_code == 303  # the old cookie is dead server-side


def test_login_backs_off_after_repeated_failures(browser: Browser) -> None:
    for _ in range(5):
        assert browser.login(password="wrong password!").status_code == 401
    blocked = browser.login(password="wrong password!")  # 30 s from the fifth failure
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    # Even the right password waits out the back-off.
    assert browser.login(password=PASSWORD).status_code == 429


def test_posts_without_the_sessions_csrf_token_are_refused(
    browser: Browser, desk: DeskServer
) -> None:
    browser.login()
    held = desk.ids["held"]
    path = f"/desk/article/{held}/approve"
    assert browser.post(path, {"version": "1"}).status_code == 403
    assert browser.post(path, {"version": "1", "csrf": "forged"}).status_code == 403
    token = browser.csrf(f"/desk/article/{held}")
    other_site = browser.post(path, {"version": "1", "csrf": token}, origin="https://evil.example")
    assert other_site.status_code == 403
    assert "status-held" in browser.get(f"/desk/article/{held}").text  # nothing happened
    # The login form has its own token too.
    assert browser.post("/desk/login", {"name": "ed", "password": PASSWORD}).status_code == 403


def test_the_audit_log_is_for_admins(browser: Browser) -> None:
    browser.login("<i>mallory</i>", "a wrong password")
    browser.login("ed")
    assert browser.get("/desk/audit").status_code == 403
    admin = Browser(browser.base)
    admin.login("ada")
    log = admin.get("/desk/audit")
    assert log.status_code == 200
    assert re.search(r"<td>ed</td><td>sign-in</td>", log.text)
    assert "<td>&lt;i&gt;mallory&lt;/i&gt;</td><td>sign-in-failed</td>" in log.text


def test_large_bodies_are_refused(browser: Browser) -> None:
    browser.login()
    big = {"csrf": "x", "body": "a" * 300_000}
    assert browser.post("/desk/article/1/edit", big).status_code == 413


def test_disabling_an_account_ends_its_session(browser: Browser, desk: DeskServer) -> None:
    from retold.desk import auth
    from retold.newsroom import Newsroom

    browser.login()
    assert browser.get("/desk/").status_code == 200
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        auth.set_disabled(session, "ed", True)
    assert browser.get("/desk/").status_code == 303
    assert browser.login().status_code == 401
