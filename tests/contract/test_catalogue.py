"""The catalogue suite: runs on SQLite and on PostgreSQL through the ``database_url`` fixture."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from docservice.db.migrate import is_current, upgrade
from docservice.db.models import (
    ApiToken,
    AuditEvent,
    Base,
    Clearance,
    Member,
    MemberStatus,
    Organization,
    Record,
    Role,
    Temporary,
    Term,
    User,
)
from docservice.demo import DEMO_USERS, load_demo
from docservice.errors import Conflict, InvalidCredentials, NotFound, RuleViolation, ValidationFailed
from docservice.registry.organizations import by_code, term_on
from docservice.registry.users import authenticate, create_user
from docservice.security import audit, policy
from docservice.security.tokens import issue_token, user_for_token
from tests.builders import PASSWORD, bypass_append_only


def test_migrations_match_the_models_and_rerun_as_a_no_op(svc):
    engine = svc.catalogue.engine
    assert is_current(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    upgrade(engine)
    assert is_current(engine)


def test_organisation_paths_form_the_tree(svc, world):
    with svc.catalogue.reader() as session:
        root = session.get(Organization, world.root_id)
        dong = session.get(Organization, world.dong_id)
        assert root.path == f"/{root.id}/" and dong.path == f"/{root.id}/{dong.id}/"
        assert dong.abbreviation == "CB" and root.abbreviation == "ĐU"
        assert dong.issuer_line == "CHI BỘ THÔN ĐÔNG" and root.issuer_line == "ĐẢNG ỦY XÃ TÂN LẬP"


def test_the_term_covering_a_date(svc, world):
    with svc.catalogue.reader() as session:
        dong = session.get(Organization, world.dong_id)
        assert term_on(session, dong, dt.date(2025, 6, 30)).name == "2020–2025"
        assert term_on(session, dong, dt.date(2025, 7, 1)).name == "2025–2027"
        with pytest.raises(RuleViolation):
            term_on(session, dong, dt.date(2019, 12, 31))


def _term_id(session, org_id, name):
    return session.scalar(select(Term.id).where(Term.organization_id == org_id, Term.name == name))


def test_a_unit_of_work_that_raises_changes_nothing(svc, world):
    with pytest.raises(ValueError), svc.catalogue.session() as session:
        session.add(Member(organization_id=world.dong_id, full_name="Tạm Thời", status=MemberStatus.du_bi))
        session.flush()
        raise ValueError("stop")
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count()).where(Member.full_name == "Tạm Thời")) == 0


def test_demo_data_is_idempotent_and_covers_every_member_state(svc):
    for _ in range(2):
        with svc.catalogue.session() as session:
            load_demo(session)
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count(Organization.id))) == 4
        assert session.scalar(select(func.count(User.id))) == len(DEMO_USERS)
        members = session.scalars(select(Member)).all()
        assert 25 <= len(members) <= 35
        assert {MemberStatus.chinh_thuc, MemberStatus.du_bi, MemberStatus.chuyen_di} <= {m.status for m in members}
        assert any(m.exempted for m in members) and any(m.suspended for m in members)
        assert {Temporary.den, Temporary.di} <= {m.temporary for m in members}
        cards = [m.card_number for m in members if m.status is not MemberStatus.du_bi]
        assert len(set(cards)) == len(cards) and None not in cards  # unique cards for those recognised
        assert all(m.card_number is None for m in members if m.status is MemberStatus.du_bi)  # none yet
        school = by_code(session, "cb-th-an-phu")
        assert school is not None and "Trường" in school.name
        roles = {u.role for u in session.scalars(select(User))}
        assert roles == set(Role)


def test_passwords_are_hashed_and_checked(svc, world):
    with svc.catalogue.session() as session:
        user = authenticate(session, "thuky.dong", PASSWORD)
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        with pytest.raises(InvalidCredentials):
            authenticate(session, "thuky.dong", PASSWORD + "x")
        with pytest.raises(InvalidCredentials):
            authenticate(session, "khong.co.ai", PASSWORD)
        with pytest.raises(ValidationFailed):
            create_user(session, username="yeu", password="123", role=Role.reader,
                        organization=session.get(Organization, world.root_id))
        with pytest.raises(Conflict):
            create_user(session, username="thuky.dong", password=PASSWORD, role=Role.reader,
                        organization=session.get(Organization, world.root_id))


def test_tokens_are_stored_hashed_and_stop_working_when_expired_or_revoked(svc, world):
    with svc.catalogue.session() as session:
        user = session.scalar(select(User).where(User.username == "uyvien"))
        token, _ = issue_token(session, user, hours=1)
    with svc.catalogue.session() as session:
        row = session.scalar(select(ApiToken))
        assert token not in row.token_hash and len(row.token_hash) == 64
        assert user_for_token(session, token).username == "uyvien"
        assert user_for_token(session, token + "x") is None
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with svc.catalogue.session() as session:
        assert user_for_token(session, token) is None
        row = session.scalar(select(ApiToken))
        row.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        row.revoked_at = dt.datetime.now(dt.UTC)
    with svc.catalogue.reader() as session:
        assert user_for_token(session, token) is None


def _chain(svc, count=4):
    with svc.catalogue.session() as session:
        for index in range(count):
            audit.append_event(session, username="luutru", action="record.create", object_type="record",
                               object_id=index, detail="thử" if index == 2 else None)
    with svc.catalogue.reader() as session:
        assert audit.first_broken_link(session, svc.catalogue.audit_key) is None
        return [e.id for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_audit_events_cannot_be_changed_or_removed_through_the_catalogue(svc, world):
    ids = _chain(svc)
    for statement in ("UPDATE audit_events SET username = 'ke.gian' WHERE id = :id",
                      "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"), svc.catalogue.session() as session:
            session.execute(text(statement), {"id": ids[1]})
    with svc.catalogue.reader() as session:
        assert [e.username for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == ["luutru"] * 4
        assert audit.first_broken_link(session, svc.catalogue.audit_key) is None


@pytest.mark.parametrize("tampering", ["change", "detail", "delete"])
def test_the_audit_chain_finds_the_first_tampered_event(svc, world, tampering):
    ids = _chain(svc)
    statement = {"change": "UPDATE audit_events SET username = 'ke.gian' WHERE id = :id",
                 "detail": "UPDATE audit_events SET detail = NULL WHERE id = :id",
                 "delete": "DELETE FROM audit_events WHERE id = :id"}[tampering]
    target = ids[2] if tampering == "detail" else ids[1]
    with svc.catalogue.engine.begin() as connection:
        bypass_append_only(connection)
        connection.execute(text(statement), {"id": target})
    with svc.catalogue.reader() as session:
        # a removed event shows as a broken link at the event after it
        expected = ids[2] if tampering == "delete" else target
        assert audit.first_broken_link(session, svc.catalogue.audit_key) == expected


# --- an attacker with the database owner's rights, without the audit key (kept outside the database) ---

def _attacker_hash(prev, event, key=None):
    """What the attacker can compute: the chain's plain SHA-256 (or an HMAC under a key of their own)."""
    import hashlib
    import hmac
    import json

    payload = json.dumps({"prev": prev, **audit._fields(event)}, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest() if key else hashlib.sha256(payload).hexdigest()


def _rewrite_from(connection, first_id, key=None, scheme="keep"):
    """Recompute every link from ``first_id`` on as the attacker can (rows changed in place)."""
    with Session(bind=connection) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        prev = audit.GENESIS
        for event in events:
            if event.id >= first_id:
                event.prev_hash = prev
                if scheme != "keep":
                    event.scheme = scheme
                event.hash = _attacker_hash(prev, event, key)
            prev = event.hash
        session.flush()
        session.commit()


def _trail(svc):
    return svc.verify_audit_trail()


def _checkpointed_chain(svc, count=6):
    ids = _chain(svc, count)
    assert svc.write_audit_checkpoint() is not None
    assert _trail(svc) == []
    return ids


@pytest.mark.parametrize("attack", ["delete_newest", "rewrite_and_rehash", "rewrite_as_plain_chain",
                                    "rehash_with_own_key", "forged_append", "forged_append_plain", "delete_middle"])
def test_the_keyed_chain_and_its_checkpoints_show_what_the_database_owner_did(svc, world, attack):
    """Each attack of the database owner who lacks the key: dropping the newest events, rewriting an event
    and recomputing every later link (as a plain chain, or keyed with a key of their own), appending a forged
    event — ``audit verify`` names it."""
    ids = _checkpointed_chain(svc)
    with svc.catalogue.engine.begin() as connection:
        bypass_append_only(connection)
        if attack == "delete_newest":
            connection.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": ids[-2]})
        elif attack == "delete_middle":
            connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[3]})
        elif attack.startswith("rewrite") or attack == "rehash_with_own_key":
            connection.execute(text("UPDATE audit_events SET username = 'ke.gian' WHERE id = :id"), {"id": ids[2]})
            _rewrite_from(connection, ids[2], key=b"k" * 32 if attack == "rehash_with_own_key" else None,
                          scheme=None if attack == "rewrite_as_plain_chain" else "keep")
        else:
            last = connection.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
            forged = AuditEvent(at=last.at, username="ke.gian", action="record.view", object_type="record",
                                object_id="1", outcome="ok", remote_addr=None, prev_hash=last.hash,
                                scheme=None if attack == "forged_append_plain" else audit.KEYED)
            forged.hash = _attacker_hash(last.hash, forged, None if attack == "forged_append_plain" else b"x" * 32)
            with Session(bind=connection) as session:
                session.add(forged)
                session.commit()
    findings = _trail(svc)
    assert findings, attack
    if attack == "delete_newest":  # the chain itself still holds: the checkpoint shows the loss
        assert "Điểm kiểm tra" in findings[0] and "không còn" in findings[0]
    else:
        assert "bị hỏng tại sự kiện" in findings[0]


def test_a_changed_checkpoint_file_is_found_and_a_missing_one_is_said(svc, world):
    _checkpointed_chain(svc)
    path = svc.settings.audit_checkpoints_path
    line = path.read_text()
    path.write_text(line.replace('"count": 6', '"count": 5'))
    assert any("không đúng chữ ký" in f for f in _trail(svc))
    path.unlink()
    assert any("Không có điểm kiểm tra" in f for f in _trail(svc))
    assert svc.write_audit_checkpoint() is not None and _trail(svc) == []
    assert svc.write_audit_checkpoint() is None  # nothing new since the last one


def test_events_before_the_keyed_chain_verify_and_may_only_come_first(svc, world):
    """Trails from before the key: plain SHA-256 events are accepted at the start of the chain only."""
    ids = _chain(svc, 4)
    with svc.catalogue.engine.begin() as connection:
        bypass_append_only(connection)
        _rewrite_from(connection, ids[0], scheme=None)  # as the upgrade found them: plain, unkeyed
    _chain(svc, 2)  # appended after the upgrade: keyed
    with svc.catalogue.reader() as session:
        assert audit.first_broken_link(session, svc.catalogue.audit_key) is None


def _principal(session, username):
    return policy.Principal.of(session.scalar(select(User).where(User.username == username)))


def _record(org_id, level, title):
    return Record(sha256="0" * 64, size=1, pages=1, organization_id=org_id, doc_type="nghi_quyet",
                  date=dt.date(2025, 9, 1), title=title, confidentiality=level, text_source="text_layer")


def test_scope_and_clearance_apply_inside_every_query(svc, world):
    with svc.catalogue.session() as session:
        session.add_all([_record(world.dong_id, Clearance.thuong, "Đông thường"),
                         _record(world.dong_id, Clearance.mat, "Đông mật"),
                         _record(world.tay_id, Clearance.thuong, "Tây thường"),
                         _record(world.root_id, Clearance.toi_mat, "Xã tối mật")])
    expected = {
        "admin": {"Đông thường", "Đông mật", "Tây thường", "Xã tối mật"},
        "luutru": {"Đông thường", "Đông mật", "Tây thường"},
        "uyvien": {"Đông thường", "Tây thường"},
        "thuky.dong": {"Đông thường", "Đông mật"},
        "docgia.tay": {"Tây thường"},
    }
    with svc.catalogue.reader() as session:
        for username, titles in expected.items():
            principal = _principal(session, username)
            seen = set(session.scalars(policy.visible(Record, principal).with_only_columns(Record.title)))
            assert seen == titles, username
            count = session.scalar(select(func.count()).select_from(policy.visible(Record, principal).subquery()))
            assert count == len(titles)
        tay_reader = _principal(session, "docgia.tay")
        hidden = session.scalar(select(Record.id).where(Record.title == "Đông thường"))
        with pytest.raises(NotFound):
            policy.get_visible(session, Record, hidden, tay_reader)
        with pytest.raises(NotFound):
            policy.get_organization(session, world.dong_id, tay_reader)
        orgs = set(session.scalars(policy.visible_organizations(tay_reader).with_only_columns(Organization.id)))
        assert orgs == {world.tay_id}


def test_roles_allow_only_their_actions(svc, world):
    with svc.catalogue.reader() as session:
        reader, secretary = _principal(session, "uyvien"), _principal(session, "thuky.dong")
    assert policy.may(secretary, "document.create") and not policy.may(reader, "document.create")
    assert policy.may(reader, "search") and not policy.may(reader, "record.create")
    assert not policy.may(secretary, "user.manage")
