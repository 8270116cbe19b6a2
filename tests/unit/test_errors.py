import re

import pytest

from docservice import create_app, errors
from docservice.config import Settings

CLASSES = errors.all_error_classes()


def test_every_error_class_has_a_status_a_stable_unique_code_and_a_vietnamese_title():
    seen: dict[str, type] = {}
    for cls in CLASSES:
        assert 400 <= cls.status <= 599, cls
        assert re.fullmatch(r"[a-z][a-z_]*", cls.code), cls
        assert cls.title and cls.default_detail, cls
        if cls.code in seen:
            assert cls is errors.InternalError and seen[cls.code] is errors.DocserviceError
        seen[cls.code] = cls


@pytest.fixture
def raising_app(tmp_path):
    app = create_app(Settings(archive_dir=tmp_path / "a", search_dir=tmp_path / "s", secret_key="k",
                              test_database_url=None))
    for cls in CLASSES:
        def view(cls=cls):
            raise cls(errors={"field": "Sai."} if cls.status == 422 else None)
        app.add_url_rule(f"/raise/{cls.__name__}", cls.__name__, view)

    @app.get("/raise/unexpected")
    def unexpected():
        raise RuntimeError("secret internal detail /etc/passwd")

    return app


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_error_renders_as_the_one_problem_body(raising_app, cls):
    response = raising_app.test_client().get(f"/raise/{cls.__name__}")
    assert response.status_code == cls.status
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    assert body["status"] == cls.status and body["code"] == cls.code
    assert body["type"].endswith(cls.code)
    assert ("errors" in body) == (cls.status == 422)


def test_unexpected_errors_are_500_without_the_exception_text(raising_app):
    response = raising_app.test_client().get("/raise/unexpected")
    assert response.status_code == 500
    assert response.get_json(force=True)["code"] == "internal_error"
    assert b"passwd" not in response.data and b"Traceback" not in response.data


def test_unknown_routes_and_methods_are_problems_too(raising_app):
    client = raising_app.test_client()
    missing = client.get("/api/v1/khong-co")
    assert missing.status_code == 404 and missing.get_json(force=True)["code"] == "not_found"
    wrong = client.put("/api/v1/auth/token")
    assert wrong.status_code == 405 and wrong.get_json(force=True)["code"] == "method_not_allowed"
