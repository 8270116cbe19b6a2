import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from docservice.config import Settings, setting_names

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_settings() -> set[str]:
    return set(re.findall(r"^\| `(DOCSERVICE_[A-Z_]+)` \|", README.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_setting_is_in_the_readme_table_and_nothing_else_is():
    assert _readme_settings() == set(setting_names())


def test_contract_names_are_all_there():
    fixed = {"ARCHIVE_DIR", "SEARCH_DIR", "DATABASE_URL", "SEARCH_BACKEND", "TEMPLATES_DIR", "TRUST_ROOTS",
             "SECRET_KEY", "MAX_UPLOAD_MB", "TEST_DATABASE_URL"}
    assert {f"DOCSERVICE_{n}" for n in fixed} <= set(setting_names())


def test_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCSERVICE_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("DOCSERVICE_ARCHIVE_DIR", str(tmp_path / "kho"))
    settings = Settings()
    assert settings.max_upload_bytes == 7 * 1024 * 1024
    assert settings.archive_dir == tmp_path / "kho"
    assert settings.catalogue_url == f"sqlite:///{tmp_path / 'kho' / 'catalogue.sqlite3'}"


@pytest.mark.parametrize(("name", "value"), [("SEARCH_BACKEND", "elastic"), ("MAX_UPLOAD_MB", "0"),
                                              ("MAX_UPLOAD_MB", "nhiều")])
def test_bad_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(f"DOCSERVICE_{name}", value)
    with pytest.raises(ValidationError):
        Settings()


def test_secret_key_is_generated_once_and_kept(tmp_path):
    settings = Settings(archive_dir=tmp_path, secret_key=None)
    first = settings.resolved_secret_key()
    assert len(first) > 40 and settings.resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
