import re

from sqlalchemy import select

from docservice.db.models import AuditEvent
from tests.builders import PASSWORD


def _problem(response, status, code):
    assert response.status_code == status, response.data
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code and body["status"] == status and body["detail"]
    return body


def test_token_for_good_credentials_and_401_for_bad_ones(client, world, svc):
    good = client.post("/api/v1/auth/token", json={"username": "uyvien", "password": PASSWORD})
    assert good.status_code == 200 and len(good.json["token"]) > 30
    body = _problem(client.post("/api/v1/auth/token", json={"username": "uyvien", "password": "sai-mat-khau1"}),
                    401, "invalid_credentials")
    assert "mật khẩu" in body["detail"]
    _problem(client.post("/api/v1/auth/token", json={"username": "ai.do", "password": "x"}), 401,
             "invalid_credentials")
    with svc.catalogue.reader() as session:
        outcomes = [e.outcome for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.token"))]
    assert outcomes == ["ok", "denied", "denied"]


def test_malformed_token_requests_are_422_with_field_errors(client, world):
    body = _problem(client.post("/api/v1/auth/token", json={"username": ""}), 422, "validation_failed")
    assert set(body["errors"]) == {"username", "password"}
    _problem(client.post("/api/v1/auth/token", data="không phải json", content_type="application/json"), 422,
             "validation_failed")


def test_every_api_route_needs_a_valid_token(client, world):
    for path in ("/api/v1/organizations", "/api/v1/templates", "/api/v1/search?q=x", "/api/v1/records/1",
                 "/api/v1/documents/1/pdf"):
        _problem(client.get(path), 401, "unauthenticated")
        _problem(client.get(path, headers={"Authorization": "Bearer khong-hop-le"}), 401, "unauthenticated")
    response = client.post("/api/v1/documents", json={})
    _problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_openapi_document_covers_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "openapi_json":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_security_headers_on_pages_api_and_errors(client):
    for path in ("/", "/api/v1/openapi.json", "/api/v1/organizations"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert client.get("/api/v1/organizations").headers["Cache-Control"] == "no-store"


def test_the_home_page_is_vietnamese_and_its_stylesheet_is_served(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="vi"' in page.text and "tổ chức đảng" in page.text
    assert client.get("/static/docservice.css").status_code == 200
