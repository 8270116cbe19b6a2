"""The OpenAPI document, fuzzed: every operation, a bounded number of generated requests each.

Schemathesis generates requests from the document (valid and invalid), sends them to the app as an
admin of the whole tree, and checks each answer: no 5xx, a status code the document lists, the
declared content type and headers, a body that matches the declared schema, and invalid input refused.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from docservice import create_app
from tests.builders import PASSWORD, build_world
from tests.conftest import BufferedClient, make_settings

EXAMPLES = 10  # per operation and mode (valid / invalid requests)
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance,
          checks.negative_data_rejection]


def _operations() -> list[str]:
    """Every operation of the document, read from an app that has no data (collection time)."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_settings(Path(folder), None))
        spec = app.api_doc  # type: ignore[attr-defined]
        app.extensions["docservice"].catalogue.dispose()
    return sorted(f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item)


@pytest.fixture
def fuzzed_app(tmp_path, pdf_pool, sqlite_template):
    (tmp_path / "archive").mkdir()
    shutil.copy(sqlite_template, tmp_path / "archive" / "catalogue.sqlite3")
    app = create_app(make_settings(tmp_path, None, address_attempts=10_000))
    app.config["TESTING"] = True
    app.test_client_class = BufferedClient
    app.extensions["docservice"].converter = pdf_pool
    with app.extensions["docservice"].catalogue.session() as session:
        build_world(session)
    yield app
    app.extensions["docservice"].catalogue.dispose()


def test_the_document_lists_operations():
    assert len(_operations()) >= 40


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("label", _operations())
def test_every_operation_answers_within_its_documented_shape(fuzzed_app, label, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    token = fuzzed_app.test_client().post("/api/v1/auth/token",
                                          json={"username": "admin", "password": PASSWORD}).json["token"]

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        headers = {**(case.headers or {})}
        headers["Authorization"] = f"Bearer {token}"  # the document's bearer scheme makes up tokens
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
