"""Upgrading a catalogue that already holds data keeps every row and fills what new tables need."""

import datetime as dt

from alembic import command
from sqlalchemy import column, insert, select, table

from docservice.db import Catalogue
from docservice.db.migrate import alembic_config, is_current, upgrade
from docservice.db.models import Document, MemberChange, Record


def _fill_revision_0001(catalogue: Catalogue) -> None:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = {
        "organizations": {"id": 1, "path": "/1/", "code": "cb", "kind": "chi_bo", "name": "Chi bộ Thôn Bắc",
                          "abbreviation": "CB", "created_at": now},
        "terms": {"id": 1, "organization_id": 1, "name": "2022–2025", "start_date": dt.date(2022, 5, 1)},
        "members": {"id": 1, "organization_id": 1, "full_name": "Hà Văn Cũ", "position": "bi_thu",
                    "status": "chinh_thuc", "exempted": True, "suspended": False, "admitted_on": dt.date(1990, 3, 3),
                    "created_at": now},
        "documents": {"id": 1, "template": "nghi-quyet-chi-bo", "template_version": "1.0.0", "organization_id": 1,
                      "doc_type": "nghi_quyet", "term_id": 1, "sequence": 1, "number": "01-NQ/CB",
                      "title": "Nghị quyết",
                      "date": dt.date(2024, 3, 5), "confidentiality": 0, "profile": "2018", "fields": "{}",
                      "docx_sha256": "a" * 64, "pdf_sha256": "b" * 64, "created_at": now},
        "records": {"id": 1, "sha256": "b" * 64, "size": 10, "pages": 1, "organization_id": 1,
                    "doc_type": "nghi_quyet", "date": dt.date(2024, 3, 5), "title": "Nghị quyết", "confidentiality": 0,
                    "document_id": 1, "text_source": "text_layer", "text": "", "signatures": "[]", "warnings": "[]",
                    "superseded": False, "created_at": now},
    }
    with catalogue.engine.begin() as connection:
        for name, values in rows.items():
            connection.execute(insert(table(name, *(column(c) for c in values))).values(values))


def test_upgrading_from_the_first_revision_keeps_data_and_seeds_member_history(blank_database_url):
    catalogue = Catalogue(blank_database_url)
    command.upgrade(alembic_config(catalogue.engine), "0001")
    _fill_revision_0001(catalogue)
    upgrade(catalogue.engine)
    assert is_current(catalogue.engine)
    with catalogue.reader() as session:
        change = session.scalar(select(MemberChange))
        assert (change.member_id, change.effective_on, change.exempted) == (1, dt.date(1990, 3, 3), True)
        assert session.get(Record, 1).document_id == 1 and session.get(Document, 1).meeting_id is None
    catalogue.dispose()
