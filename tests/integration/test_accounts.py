"""Accounts: lockout, throttling, tokens, passwords, user management, and the audit of each change."""

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import select, update

from docservice.db.models import AuditEvent, Clearance, Role, User
from docservice.errors import AccountLocked, InvalidCredentials, TooManyAttempts
from docservice.registry.users import LoginLimits, login
from tests.builders import PASSWORD, text_pdf

TOKEN = "/api/v1/auth/token"


def _problem(response, status, code):
    assert response.status_code == status, response.data
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code and body["detail"]
    return body


def _events(svc, action=None):
    with svc.catalogue.reader() as session:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return [(e.username, e.action, e.object_id, e.outcome, e.detail) for e in session.scalars(stmt)]


def _login(client, username, password=PASSWORD, addr="10.0.0.1"):
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_ten_wrong_passwords_lock_the_account_for_a_while(client, world, svc):
    for attempt in range(9):
        _problem(_login(client, "uyvien", f"sai-mat-khau-{attempt}"), 401, "invalid_credentials")
    locked = _problem(_login(client, "uyvien", "sai-lan-thu-10"), 429, "account_locked")
    assert "15 phút" in locked["detail"]
    # the right password does not open a locked account, and says why
    response = _login(client, "uyvien")
    _problem(response, 429, "account_locked")
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # other accounts are not affected
    assert _login(client, "docgia.tay", addr="10.0.0.2").status_code == 200
    with svc.catalogue.session() as session:
        user = session.scalar(select(User).where(User.username == "uyvien"))
        assert user.locked_until is not None
        user.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # the while has passed
    assert _login(client, "uyvien").status_code == 200
    outcomes = [o for name, _a, _i, o, _d in _events(svc, "auth.token") if name == "uyvien"]
    assert outcomes == ["denied"] * 10 + ["locked", "ok"]
    assert [e[0] for e in _events(svc, "user.lock")] == ["uyvien"]


def test_a_success_resets_the_count_of_wrong_passwords(client, world, svc):
    for _round in range(3):
        for attempt in range(6):
            _problem(_login(client, "uyvien", f"sai-{attempt}"), 401, "invalid_credentials")
        assert _login(client, "uyvien").status_code == 200


def test_an_address_that_fails_too_often_must_wait(svc, world):
    limits = LoginLimits(attempts=10, minutes=15, per_address=5)
    for index in range(5):
        with pytest.raises(InvalidCredentials):
            login(svc.catalogue, f"ai-do-{index}", "doan-bua-123", remote_addr="10.9.9.9", action="auth.token",
                  limits=limits)
    with pytest.raises(TooManyAttempts) as waited:
        login(svc.catalogue, "uyvien", PASSWORD, remote_addr="10.9.9.9", action="auth.token", limits=limits)
    assert not isinstance(waited.value, AccountLocked) and waited.value.headers["Retry-After"] == "900"
    # another address is not held up, and the user's own account was never counted
    assert login(svc.catalogue, "uyvien", PASSWORD, remote_addr="10.1.1.1", action="auth.token", limits=limits)
    with svc.catalogue.reader() as session:
        assert session.scalar(select(User.failed_logins).where(User.username == "uyvien")) == 0


def _answers(client, username, password, count):
    """(status, code, Retry-After) of ``count`` logins in a row, each from its own address."""
    answers = []
    for attempt in range(count):
        response = _login(client, username, password, addr=f"10.7.{len(username)}.{attempt}")
        answers.append((response.status_code, response.get_json(force=True)["code"],
                        response.headers.get("Retry-After")))
    return answers


def test_lockout_answers_the_same_whether_a_name_exists_or_not(client, world, svc):
    """Unknown names, inactive accounts and real ones are counted and locked alike: ten wrong tries in
    a row, then 429 with the same wait — the answers never tell an attacker which names exist."""
    with svc.catalogue.session() as session:
        session.execute(update(User).where(User.username == "docgia.tay").values(active=False))
    real = _answers(client, "uyvien", "sai-mat-khau-9", 12)
    unknown = _answers(client, "khong.co.ai", "sai-mat-khau-9", 12)
    inactive = _answers(client, "docgia.tay", PASSWORD, 12)  # the right password of an inactive account
    assert real == unknown == inactive
    assert [a[:2] for a in real] == [(401, "invalid_credentials")] * 9 + [(429, "account_locked")] * 3
    assert _login(client, "khong.co.ai", PASSWORD, addr="10.8.0.1").json["code"] == "account_locked"
    locks = [(e[0], e[1]) for e in _events(svc, "user.lock")]
    assert locks == [("uyvien", "user.lock"), ("khong.co.ai", "user.lock"), ("docgia.tay", "user.lock")]


def test_logout_revokes_the_token_in_use(client, auth, svc):
    headers = auth("uyvien")
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    assert client.delete(TOKEN, headers=headers).status_code == 204
    _problem(client.get("/api/v1/organizations", headers=headers), 401, "unauthenticated")
    _problem(client.delete(TOKEN), 401, "unauthenticated")
    assert [e[:2] for e in _events(svc, "auth.logout")] == [("uyvien", "auth.logout")]


def test_changing_ones_password_ends_old_tokens(client, auth, svc):
    headers, other = auth("uyvien"), auth("uyvien")
    url = "/api/v1/auth/password"
    _problem(client.post(url, json={"current_password": "khong-dung-1", "new_password": "MoiHon2026abc"},
                         headers=headers), 401, "invalid_credentials")
    weak = _problem(client.post(url, json={"current_password": PASSWORD, "new_password": "ngan1"}, headers=headers),
                    422, "validation_failed")
    assert "10 ký tự" in weak["errors"]["password"]
    _problem(client.post(url, json={"current_password": PASSWORD, "new_password": "uyvien2026abc"},
                         headers=headers), 422, "validation_failed")
    assert client.post(url, json={"current_password": PASSWORD, "new_password": "MoiHon2026abc"},
                       headers=headers).status_code == 204
    for used in (headers, other):
        _problem(client.get("/api/v1/organizations", headers=used), 401, "unauthenticated")
    _problem(_login(client, "uyvien"), 401, "invalid_credentials")
    assert _login(client, "uyvien", "MoiHon2026abc").status_code == 200
    assert [e[3] for e in _events(svc, "user.password")] == ["denied", "ok"]


@pytest.mark.parametrize("password", ["matkhau123", "Matkhau2026", "aaaaaaaa11", "chỉ-chữ-thôi-không-số", "1" * 300])
def test_weak_passwords_are_refused_with_the_reason(client, auth, password):
    body = _problem(client.post("/api/v1/users", headers=auth("admin"), json={
        "username": "moi.vao", "password": password, "role": "reader", "organization_id": 1}), 422,
        "validation_failed")
    assert "password" in body["errors"] or "Mật khẩu" in body["detail"]


def test_admins_manage_users_in_scope_and_every_change_is_audited(client, auth, world, svc):
    admin = auth("admin")
    created = client.post("/api/v1/users", headers=admin, json={
        "username": "thuky.moi", "password": "ThuKy2026xyz", "role": "secretary", "organization_id": world.dong_id,
        "clearance": "mat", "full_name": "Phạm Thị Mới"})
    assert created.status_code == 201, created.json
    user_id = created.json["id"]
    assert created.json["role"] == "secretary" and "password" not in json.dumps(created.json)
    _problem(client.post("/api/v1/users", headers=admin, json={
        "username": "thuky.moi", "password": "ThuKy2026xyz", "role": "reader", "organization_id": world.dong_id}),
        409, "conflict")
    # nobody gets more than the admin has
    _problem(client.post("/api/v1/users", headers=admin, json={
        "username": "tuyet.mat", "password": "ThuKy2026xyz", "role": "reader", "organization_id": world.dong_id,
        "clearance": "tuyet_mat"}), 403, "forbidden")
    listing = client.get("/api/v1/users?per_page=100", headers=admin).json
    assert "thuky.moi" in {u["username"] for u in listing["items"]} and listing["total"] == 7

    changed = client.patch(f"/api/v1/users/{user_id}", headers=admin,
                           json={"role": "reader", "organization_id": world.tay_id, "clearance": "thuong"})
    assert changed.status_code == 200 and changed.json["organization_id"] == world.tay_id
    assert _login(client, "thuky.moi", "ThuKy2026xyz").status_code == 200
    assert client.post(f"/api/v1/users/{user_id}/password", headers=admin,
                       json={"password": "DatLai2026xyz"}).status_code == 204
    _problem(_login(client, "thuky.moi", "ThuKy2026xyz"), 401, "invalid_credentials")
    token = _login(client, "thuky.moi", "DatLai2026xyz").json["token"]
    assert client.post(f"/api/v1/users/{user_id}/revoke-tokens", headers=admin).json == {"revoked": 1,
                                                                                          "sessions_ended": 0}
    _problem(client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {token}"}), 401,
             "unauthenticated")
    assert client.patch(f"/api/v1/users/{user_id}", headers=admin, json={"active": False}).json["active"] is False
    _problem(_login(client, "thuky.moi", "DatLai2026xyz"), 401, "invalid_credentials")
    # an admin cannot lock themselves out or change their own role
    admin_id = next(u["id"] for u in listing["items"] if u["username"] == "admin")
    _problem(client.patch(f"/api/v1/users/{admin_id}", headers=admin, json={"active": False}), 403, "forbidden")

    actions = [(e[0], e[1], e[4]) for e in _events(svc) if e[1].startswith("user.")]
    assert actions == [
        ("admin", "user.create", None),
        ("admin", "user.change", "role=reader; organization=cb-thon-tay; clearance=thuong"),
        ("admin", "user.password", None),
        ("admin", "user.revoke_tokens", None),
        ("admin", "user.change", "active=no"),
    ]


def test_only_admins_manage_users_and_only_in_their_scope(client, auth, world, svc):
    for name in ("thuky.dong", "luutru", "uyvien"):
        _problem(client.get("/api/v1/users", headers=auth(name)), 403, "forbidden")
    with svc.catalogue.session() as session:
        session.add(User(username="qt.tay", password_hash=session.scalar(select(User.password_hash).limit(1)),
                         role=Role.admin, organization_id=world.tay_id, clearance=Clearance.mat))
    tay_admin = auth("qt.tay")
    names = {u["username"] for u in client.get("/api/v1/users", headers=tay_admin).json["items"]}
    assert names == {"docgia.tay", "thuky.tay", "qt.tay"}
    with svc.catalogue.reader() as session:
        dong_secretary = session.scalar(select(User.id).where(User.username == "thuky.dong"))
    _problem(client.get(f"/api/v1/users/{dong_secretary}", headers=tay_admin), 404, "not_found")
    _problem(client.post(f"/api/v1/users/{dong_secretary}/password", headers=tay_admin,
                         json={"password": "ChiemQuyen2026"}), 404, "not_found")
    _problem(client.post("/api/v1/users", headers=tay_admin, json={
        "username": "le.dong", "password": "ThuKy2026xyz", "role": "reader", "organization_id": world.dong_id}),
        404, "not_found")
    _problem(client.post("/api/v1/users", headers=auth("uyvien"), json={
        "username": "le.dong", "password": "ThuKy2026xyz", "role": "reader", "organization_id": world.dong_id}),
        403, "forbidden")
    # refused writes are in the trail: who, which route, which id, refused how
    refused = [e for e in _events(svc) if e[1].startswith("api.")]
    assert refused == [
        ("qt.tay", "api.post", str(dong_secretary), "not_found", "POST /api/v1/users/<int:id>/password"),
        ("qt.tay", "api.post", None, "not_found", "POST /api/v1/users"),
        ("uyvien", "api.post", None, "denied", "POST /api/v1/users"),
    ]


def test_unlock_by_an_admin(client, auth, world, svc):
    for attempt in range(10):
        _login(client, "docgia.tay", f"sai-{attempt}-abc")
    _problem(_login(client, "docgia.tay"), 429, "account_locked")
    admin = auth("admin")
    listing = client.get("/api/v1/users?per_page=100", headers=admin).json["items"]
    target = next(u for u in listing if u["username"] == "docgia.tay")
    assert target["locked_until"] is not None
    assert client.post(f"/api/v1/users/{target['id']}/unlock", headers=admin).json["locked_until"] is None
    assert _login(client, "docgia.tay").status_code == 200


def _record(client, auth, world, level):
    form = {"file": (io.BytesIO(text_pdf(f"NGHỊ QUYẾT mức {level}: nội dung kiểm tra nhật ký.")), "a.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "number": "01-NQ/CB", "date": "2025-03-01",
                                    "organization_id": world.dong_id, "title": f"Nghị quyết {level}",
                                    "confidentiality": level})}
    response = client.post("/api/v1/records", data=form, headers=auth("luutru"), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_reading_a_confidential_record_is_an_event_and_an_ordinary_one_is_not(client, auth, world, svc):
    secret, plain = _record(client, auth, world, "mat"), _record(client, auth, world, "thuong")
    reader = auth("thuky.dong")
    for record_id in (secret, plain):
        assert client.get(f"/api/v1/records/{record_id}", headers=reader).status_code == 200
        assert client.get(f"/api/v1/records/{record_id}?from_search=true", headers=reader).status_code == 200
        assert client.get(f"/api/v1/records/{record_id}/file", headers=reader).status_code == 200
        assert client.get(f"/api/v1/records/{record_id}/versions", headers=reader).status_code == 200
    # a reader without clearance gets 404 and leaves a trace of nothing but the attempt's absence
    _problem(client.get(f"/api/v1/records/{secret}", headers=auth("uyvien")), 404, "not_found")
    reads = [(e[0], e[1], e[2]) for e in _events(svc) if e[1].startswith(("record.", "search.")) and e[0] != "luutru"]
    assert reads == [("thuky.dong", "record.view", str(secret)), ("thuky.dong", "search.open", str(secret)),
                     ("thuky.dong", "record.download", str(secret)), ("thuky.dong", "record.versions", str(secret))]
    with svc.catalogue.reader() as session:
        remote = session.scalar(select(AuditEvent.remote_addr).where(AuditEvent.action == "search.open"))
    assert remote == "127.0.0.1"


def test_the_audit_trail_is_listed_and_exported_for_the_installation_admin_only(client, auth, world, svc):
    with svc.catalogue.session() as session:
        session.add(User(username="qt.tay", password_hash=session.scalar(select(User.password_hash).limit(1)),
                         role=Role.admin, organization_id=world.tay_id, clearance=Clearance.mat))
    _login(client, "=cmd|' /C calc'!A0", "x")  # a name made to run in a spreadsheet
    _problem(client.get("/api/v1/audit-events", headers=auth("qt.tay")), 403, "forbidden")
    _problem(client.get("/api/v1/audit-events.csv", headers=auth("luutru")), 403, "forbidden")
    admin = auth("admin")
    page = client.get("/api/v1/audit-events?action=auth.&per_page=5", headers=admin).json
    assert page["total"] >= 4 and page["items"][0]["id"] > page["items"][-1]["id"]
    exported = client.get("/api/v1/audit-events.csv", headers=admin)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "at", "username", "action"] and len(rows) - 1 == _count(svc)
    assert [int(r[0]) for r in rows[1:]] == sorted(int(r[0]) for r in rows[1:])
    assert "'=cmd|' /C calc'!A0" in {r[2] for r in rows[1:]}
    one_user = client.get("/api/v1/audit-events.csv?username=qt.tay", headers=admin).data.decode("utf-8-sig")
    assert {r[2] for r in list(csv.reader(io.StringIO(one_user)))[1:]} == {"qt.tay"}


def _count(svc):
    with svc.catalogue.reader() as session:
        return len(session.scalars(select(AuditEvent.id)).all())


def test_every_path_that_shows_a_confidential_record_leaves_an_event(app, client, auth, world, svc):
    """Beyond the record's own API: the web record page and file, the review page (which shows the full text),
    search snippets (API and page), the minutes/resolution book and the member's dossier — each read of a
    mật record is an event with the reader's address; an ordinary record leaves none."""
    from docservice.db.models import Member, Record
    from docservice.search.indexer import drain_once
    from tests.integration.test_web_sessions import _sign_in

    secret, plain = _record(client, auth, world, "mat"), _record(client, auth, world, "thuong")
    with svc.catalogue.session() as session:
        member = session.scalar(select(Member).where(Member.organization_id == world.dong_id).limit(1))
        for record_id in (secret, plain):
            row = session.get(Record, record_id)
            row.needs_review, row.member_id = True, member.id
        member_id = member.id
    drain_once(svc.catalogue, svc.search_index)
    start = len(_events(svc))
    web = app.test_client()
    _sign_in(web, username="luutru")
    for record_id in (secret, plain):
        for path in (f"/records/{record_id}", f"/records/{record_id}/file", f"/records/{record_id}/review"):
            assert web.get(path, environ_base={"REMOTE_ADDR": "10.6.6.6"}).status_code == 200, path
    assert "<mark>" in web.get("/search?q=n%E1%BB%99i+dung+ki%E1%BB%83m+tra",
                               environ_base={"REMOTE_ADDR": "10.6.6.6"}).get_data(as_text=True)
    archivist = auth("luutru")
    assert client.get("/api/v1/search", query_string={"q": "kiểm tra nhật ký"}, headers=archivist,
                      environ_base={"REMOTE_ADDR": "10.6.6.6"}).json["total"] == 2
    assert client.get(f"/api/v1/organizations/{world.dong_id}/books/resolutions.pdf?year=2025", headers=archivist,
                      environ_base={"REMOTE_ADDR": "10.6.6.6"}).status_code == 200
    assert client.get(f"/api/v1/members/{member_id}/dossier.pdf", headers=archivist,
                      environ_base={"REMOTE_ADDR": "10.6.6.6"}).status_code == 200
    with svc.catalogue.reader() as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
                                        AuditEvent.remote_addr).order_by(AuditEvent.id).offset(start)).all()
    reads = [(a, i) for a, t, i, r in events if t == "record"]
    assert reads == [("record.view", str(secret)), ("record.download", str(secret)), ("record.view", str(secret)),
                     ("search.snippet", str(secret)), ("search.snippet", str(secret)), ("book.read", str(secret)),
                     ("member.dossier.read", str(secret))]
    assert {r for a, t, i, r in events if t == "record"} == {"10.6.6.6"}
