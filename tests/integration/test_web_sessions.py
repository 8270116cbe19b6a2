"""Web sign-in: CSRF on every form, cookie flags, idle timeout, lockout, and sessions ended by a new password."""

import re
import time

import pytest
from sqlalchemy import func, select

from docservice import create_app
from docservice.db.models import AuditEvent
from tests.builders import PASSWORD
from tests.conftest import BufferedClient, make_settings


def _csrf(page) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)[:500]
    return match.group(1)


def _sign_in(client, username="thuky.dong", password=PASSWORD, **extra):
    token = _csrf(client.get("/login", **{k: v for k, v in extra.items() if k == "base_url"}))
    return client.post("/login" + extra.pop("query", ""), data={"csrf_token": token, "username": username,
                                                                "password": password}, **extra)


def _cookie_header(response) -> str:
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and "docservice_session" in v)


def test_sign_in_out_with_a_session_cookie(client, world, svc):
    page = client.get("/login")
    assert page.status_code == 200 and "Tên đăng nhập" in page.get_data(as_text=True)
    signed = _sign_in(client)
    assert signed.status_code == 302 and signed.headers["Location"] == "/"
    cookie = _cookie_header(signed)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    home = client.get("/").get_data(as_text=True)
    assert "thuky.dong" in home and "Chi bộ Thôn Đông" in home
    token = _csrf(client.get("/"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "thuky.dong" not in client.get("/").get_data(as_text=True)
    with svc.catalogue.reader() as session:
        actions = session.execute(select(AuditEvent.action, AuditEvent.outcome).where(
            AuditEvent.username == "thuky.dong")).all()
    assert actions == [("auth.login", "ok"), ("auth.logout", "ok")]


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(client, world, svc):
    refused = client.post("/login", data={"username": "thuky.dong", "password": PASSWORD})
    assert refused.status_code == 400 and "chống giả mạo" in refused.get_data(as_text=True)
    assert "thuky.dong" not in client.get("/").get_data(as_text=True)
    _sign_in(client)
    for path, data in (("/logout", {}), ("/account/password", {"current_password": PASSWORD,
                                                                "new_password": "KhacHan2026xyz",
                                                                "confirm": "KhacHan2026xyz"})):
        assert client.post(path, data={**data, "csrf_token": "gia-mao"}).status_code == 400
    assert "thuky.dong" in client.get("/").get_data(as_text=True)  # still signed in, password unchanged
    with svc.catalogue.reader() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.password")) is None


def test_wrong_password_is_shown_beside_the_field_and_ten_lock_the_account(client, world):
    wrong = _sign_in(client, password="sai-mat-khau-1")
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'class="error"' in text and "Tên đăng nhập hoặc mật khẩu không đúng" in text
    assert 'value="thuky.dong"' in text and "sai-mat-khau-1" not in text  # the password is never echoed
    for attempt in range(9):
        last = _sign_in(client, password=f"sai-{attempt}-abc")
    assert "tạm khóa" in last.get_data(as_text=True)
    assert "tạm khóa" in _sign_in(client).get_data(as_text=True)


def test_next_only_follows_paths_on_this_site(client, world):
    assert client.get("/account/password").headers["Location"] == "/login?next=/account/password"
    assert _sign_in(client, query="?next=/account/password").headers["Location"] == "/account/password"
    client.post("/logout", data={"csrf_token": _csrf(client.get("/"))})
    # read as a browser reads them (tabs and line breaks dropped, "\\" as "/"), each of these leaves the site
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/%09/evil.example",
                    "/%0d%0a/evil.example", "%09//evil.example", "/\\/evil.example", "javascript:alert(1)",
                    "%2F%2Fevil.example", "http:/evil.example"):
        signed = _sign_in(client, query=f"?next={hostile}")
        assert signed.status_code == 302 and signed.headers["Location"] == "/", hostile
        client.post("/logout", data={"csrf_token": _csrf(client.get("/"))})
    # a NUL anywhere in a request is refused at the door, next= included
    assert client.get("/login?next=/%00/evil.example").status_code == 422
    # a line break in next= is never a header injection nor an error, signed in or not
    assert client.get("/login?next=/a%0d%0aSet-Cookie:%20x=1").status_code == 200
    _sign_in(client)
    followed = client.get("/login?next=/search%0d%0aSet-Cookie:%20x=1")
    assert followed.status_code == 302 and followed.headers["Location"] == "/searchSet-Cookie:%20x=1"
    assert "x=1" not in str(followed.headers.getlist("Set-Cookie"))


def test_a_copied_cookie_ends_with_sign_out(app, world):
    """The session lives on the server: signing out ends it for every copy of the cookie."""
    mine = app.test_client()
    _sign_in(mine)
    thief = app.test_client()
    cookie = mine.get_cookie("docservice_session")
    thief.set_cookie("docservice_session", cookie.value)
    assert "thuky.dong" in thief.get("/").get_data(as_text=True)
    assert mine.post("/logout", data={"csrf_token": _csrf(mine.get("/"))}).status_code == 302
    page = thief.get("/")
    assert "thuky.dong" not in page.get_data(as_text=True)
    assert thief.get("/account/password").status_code == 302  # back to the login page
    # the copy is not brought back to life by the refreshed cookie it was sent either
    thief.set_cookie("docservice_session", cookie.value)
    assert "thuky.dong" not in thief.get("/").get_data(as_text=True)


def test_an_admins_revocation_ends_the_users_web_sessions(app, world, svc):
    victim, admin = app.test_client(), app.test_client()
    _sign_in(victim)
    _sign_in(admin, username="admin")
    with svc.catalogue.reader() as session:
        from docservice.db.models import User

        target = session.scalar(select(User.id).where(User.username == "thuky.dong"))
    page = admin.get(f"/admin/users/{target}")
    done = admin.post(f"/admin/users/{target}", data={"csrf_token": _csrf(page), "action": "revoke"},
                      follow_redirects=True)
    assert "kết thúc 1 phiên đăng nhập" in done.get_data(as_text=True)
    ended = victim.get("/").get_data(as_text=True)
    assert "thuky.dong" not in ended and "Phiên làm việc đã kết thúc" in ended
    with svc.catalogue.reader() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.revoke_tokens"))


def test_sign_out_removes_the_file_kept_for_read_metadata(app, world, svc):
    from tests.builders import text_pdf

    client = app.test_client()
    _sign_in(client)
    form = client.get("/records/new")
    pdf = text_pdf("CHI BỘ THÔN ĐÔNG\n*\nSố 01-NQ/CB\nTân Lập, ngày 05 tháng 3 năm 2026\nNGHỊ QUYẾT\nvề việc thử")
    import io

    read = client.post("/records/new", data={"csrf_token": _csrf(form), "action": "read",
                                             "file": (io.BytesIO(pdf), "nq.pdf")}, content_type="multipart/form-data")
    assert read.status_code == 200
    kept = list(svc.upload_dir.glob("pending-*.pdf"))
    assert len(kept) == 1
    client.post("/logout", data={"csrf_token": _csrf(client.get("/"))})
    assert list(svc.upload_dir.glob("pending-*.pdf")) == []


def test_the_new_user_form_applies_the_username_rule(app, world, svc):
    """The page refuses what the API refuses: look-alikes of existing names (Cyrillic letters, 0 for o,
    1 for l), spaces, markup and overlong names — and stores nothing."""
    from docservice.db.models import User

    client = app.test_client()
    _sign_in(client, username="admin")
    base = {"password": "NguoiMoi2026xyz", "role": "reader", "organization_id": str(world.dong_id),
            "clearance": "thuong"}
    with svc.catalogue.reader() as session:
        before = session.scalar(select(func.count()).select_from(User))
    for hostile in ("аdmin", "adm1n", "ADMIN", "a.d.m.i.n", "nguoi moi", "x" * 5000, "<b>x</b>", "ab",
                    "luu-tru", "\u0430\u0434min"):
        page = client.post("/admin/users/new", data={**base, "username": hostile,
                                                     "csrf_token": _csrf(client.get("/admin/users/new"))})
        assert page.status_code in (409, 422), hostile
        assert 'class="error"' in page.get_data(as_text=True), hostile
        assert "<b>x</b>" not in page.get_data(as_text=True)
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count()).select_from(User)) == before
    made = client.post("/admin/users/new", data={**base, "username": "  Nguoi.Moi ",
                                                 "csrf_token": _csrf(client.get("/admin/users/new"))})
    assert made.status_code == 302
    with svc.catalogue.reader() as session:
        assert session.scalar(select(User.username).where(User.username == "nguoi.moi")) == "nguoi.moi"


def test_a_new_password_ends_other_sessions_and_keeps_this_one(app, world):
    mine, other = app.test_client(), app.test_client()
    _sign_in(mine)
    _sign_in(other)
    form = {"csrf_token": _csrf(mine.get("/account/password")), "current_password": PASSWORD,
            "new_password": "KhacHan2026xyz", "confirm": "KhacHan2026xyz"}
    mismatch = mine.post("/account/password", data={**form, "confirm": "KhongGiong2026"})
    assert mismatch.status_code == 422 and "không giống nhau" in mismatch.get_data(as_text=True)
    assert mine.post("/account/password", data=form).status_code == 302
    assert "thuky.dong" in mine.get("/").get_data(as_text=True)
    ended = other.get("/").get_data(as_text=True)
    assert "thuky.dong" not in ended and "Phiên làm việc đã kết thúc" in ended


@pytest.fixture
def short_app(tmp_path, database_url):
    app = create_app(make_settings(tmp_path, database_url, session_idle_minutes=1, cookie_secure="always"))
    app.test_client_class = BufferedClient
    yield app
    app.extensions["docservice"].catalogue.dispose()


def test_idle_sessions_end_and_secure_cookies_when_asked(short_app, monkeypatch):
    from tests.builders import build_world

    svc = short_app.extensions["docservice"]
    with svc.catalogue.session() as session:
        build_world(session)
    client = short_app.test_client()
    signed = _sign_in(client, base_url="https://localhost", headers={"Referer": "https://localhost/login"})
    assert "Secure" in _cookie_header(signed)
    assert "thuky.dong" in client.get("/", base_url="https://localhost").get_data(as_text=True)
    later = time.time() + 61
    monkeypatch.setattr("docservice.web.session.time.time", lambda: later)
    page = client.get("/", base_url="https://localhost").get_data(as_text=True)
    assert "thuky.dong" not in page and "hết hạn" in page


def test_security_headers_on_pages(client, world):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in response.get_data(as_text=True) and "style=" not in response.get_data(as_text=True)


def test_vietnamese_by_default_english_when_chosen_and_kept(client, world):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Tên đăng nhập" in page and 'href="?lang=en"' in page
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "User name" in english and ">Sign in<" in english
    assert "User name" in client.get("/login").get_data(as_text=True)  # kept in the session
    _sign_in(client)
    search = client.get("/search?q=xyz").get_data(as_text=True)
    assert "0 results" in search and "Search records and documents" in search
    home = client.get("/").get_data(as_text=True)
    assert "Recent documents" in home and "Organisations in scope" in home
    assert "Tìm kiếm hồ sơ, văn bản" in client.get("/search?lang=vi").get_data(as_text=True)
