"""The command line, in-process with click's runner, on a temporary archive."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from docservice.cli import main
from docservice.config import Settings
from docservice.db.models import AuditEvent, Clearance, User
from docservice.services import Services
from tests.builders import bypass_append_only
from tests.conftest import TEMPLATES


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    for name, value in {"ARCHIVE_DIR": tmp_path / "archive", "SEARCH_DIR": tmp_path / "search",
                        "TEMPLATES_DIR": TEMPLATES}.items():
        monkeypatch.setenv(f"DOCSERVICE_{name}", str(value))
    monkeypatch.delenv("DOCSERVICE_DATABASE_URL", raising=False)
    return tmp_path


def _run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _services():
    return Services.build(Settings())


def test_init_creates_everything_and_demo_is_idempotent(cli_env):
    first = _run("init", "--demo")
    assert first.exit_code == 0 and "quantri" in first.output and "AnPhu2026demo" in first.output
    assert (cli_env / "archive" / "catalogue.sqlite3").exists()
    assert (cli_env / "search" / "current" / "schema_version").exists()
    assert _run("init", "--demo").exit_code == 0
    with _services().catalogue.reader() as session:
        assert len(session.scalars(select(User)).all()) == 6


def test_user_add_with_password_file_org_and_clearance(cli_env, tmp_path):
    _run("init", "--demo")
    password = tmp_path / "pw.txt"
    password.write_text("MatKhauMoi2026\nignored second line\n", encoding="utf-8")
    result = _run("user", "add", "thuky.kp3", "--role", "secretary", "--org", "cb-kp3", "--clearance", "mat",
                  "--password-file", str(password))
    assert result.exit_code == 0, result.output
    assert "Chi bộ Khu phố 3" in result.output
    with _services().catalogue.reader() as session:
        user = session.scalar(select(User).where(User.username == "thuky.kp3"))
        assert user.clearance is Clearance.mat and user.organization.code == "cb-kp3"
    assert _run("user", "add", "thuky.kp3", "--role", "reader", "--password-file", str(password)).exit_code == 1
    assert _run("user", "add", "x", "--role", "reader", "--org", "khong-co",
                "--password-file", str(password)).exit_code == 1
    weak = tmp_path / "weak.txt"
    weak.write_text("123\n")
    refused = _run("user", "add", "docgia.y", "--role", "reader", "--password-file", str(weak))
    assert refused.exit_code == 1 and "Mật khẩu" in refused.output


def test_user_add_prompts_for_the_password(cli_env):
    _run("init")
    _run("init", "--demo")
    result = _run("user", "add", "docgia", "--role", "reader", input="MatKhau2026ok\nMatKhau2026ok\n")
    assert result.exit_code == 0, result.output


def test_audit_verify_finds_a_tampered_event(cli_env):
    _run("init", "--demo")
    services = _services()
    from docservice.security.audit import append_event

    with services.catalogue.session() as session:
        for number in range(3):
            append_event(session, username="luutru", action="record.download", object_id=number)
    assert _run("audit", "verify").exit_code == 0
    with services.catalogue.engine.begin() as connection:
        bypass_append_only(connection)
        connection.execute(update(AuditEvent).where(AuditEvent.object_id == "1").values(outcome="denied"))
    result = _run("audit", "verify")
    assert result.exit_code == 1 and "hỏng" in result.output


def test_user_management_commands_and_their_audit(cli_env, tmp_path):
    _run("init", "--demo")
    listing = _run("user", "list").output
    assert "quantri" in listing and "hoạt động" in listing
    changed = _run("user", "set", "bithu.kp1", "--clearance", "toi_mat", "--org", "cb-kp3")
    assert changed.exit_code == 0 and "clearance" in changed.output and "organization" in changed.output
    assert "Không có gì thay đổi" in _run("user", "set", "bithu.kp1", "--clearance", "toi_mat").output
    assert _run("user", "set", "khong.co", "--inactive").exit_code == 1
    with _services().catalogue.session() as session:
        user = session.scalar(select(User).where(User.username == "bithu.kp1"))
        assert user.clearance is Clearance.toi_mat and user.organization.code == "cb-kp3"
        user.failed_logins, user.locked_until = 0, user.created_at.replace(year=2100)
    assert "tạm khóa" in _run("user", "list").output
    assert _run("user", "unlock", "bithu.kp1").exit_code == 0
    password = tmp_path / "pw.txt"
    password.write_text("DatLaiMoi2026\n", encoding="utf-8")
    assert _run("user", "password", "bithu.kp1", "--password-file", str(password)).exit_code == 0
    assert "thu hồi 0 token và kết thúc 0 phiên" in _run("user", "revoke-tokens", "bithu.kp1").output
    assert _run("user", "set", "bithu.kp1", "--inactive").exit_code == 0
    assert "đã khóa" in _run("user", "list").output
    with _services().catalogue.reader() as session:
        user = session.scalar(select(User).where(User.username == "bithu.kp1"))
        assert user.locked_until is None and not user.active
        events = session.execute(select(AuditEvent.username, AuditEvent.action).where(
            AuditEvent.action.startswith("user."))).all()
    assert events[-5:] == [("cli", "user.change"), ("cli", "user.unlock"), ("cli", "user.password"),
                           ("cli", "user.revoke_tokens"), ("cli", "user.change")]
    out = tmp_path / "nhat-ky.csv"
    exported = _run("audit", "export", "--out", str(out), "--user", "cli")
    assert exported.exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,at,username,action") and len(lines) == 6
    assert all(",cli,user." in line for line in lines[1:])
    assert _run("audit", "export", "--from", "2000-01-01", "--to", "2000-12-31").output.count("\n") == 1


def test_reindex_if_needed_and_forced(cli_env):
    _run("init")
    assert "không cần" in _run("reindex", "--if-needed").output
    (cli_env / "search" / "current" / "schema_version").write_text("0")
    assert "Đã lập chỉ mục 0 hồ sơ" in _run("reindex", "--if-needed").output
    assert _run("reindex").exit_code == 0
