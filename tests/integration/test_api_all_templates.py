"""Every standard template through the API, as a secretary would: numbered, laid out, readable."""

import subprocess

import pytest

from docservice.generation.layout_check import check_layout
from docservice.rules import default_rules


def _pdf_words(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the templates, not the database, are tested
def test_each_template_is_produced_numbered_and_passes_the_layout_check(client, auth, world, svc):
    numbers = {}
    # in the order of their dates: a number follows the last one issued in its register
    for template in sorted(svc.templates.all(), key=lambda t: t.manifest.example["date"]):
        cell = "chi_bo" in template.manifest.issuer_kinds
        headers = auth("thuky.dong" if cell else "admin")
        body = {"template": template.key, "organization_id": world.dong_id if cell else world.root_id,
                "fields": template.manifest.example}
        response = client.post("/api/v1/documents", json=body, headers=headers)
        assert response.status_code == 201, (template.key, response.data)
        document = response.json
        numbers[template.key] = document["number"]
        docx = client.get(document["docx_url"], headers=headers).data
        report = check_layout(docx, default_rules())
        assert report.deviations == [], (template.key, report.deviations)
        words = _pdf_words(client.get(document["pdf_url"], headers=headers).data)
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in words and f"Số {document['number']}" in words, template.key
        assert ("T/M" in words) or ("CHỦ TRÌ" in words), template.key
    assert numbers["bien-ban-sinh-hoat-chi-bo"] == "01-BB/CB" and numbers["bien-ban-sinh-hoat-chuyen-de"] == "02-BB/CB"
    assert numbers["nghi-quyet-chi-bo"] == "01-NQ/CB" and numbers["nghi-quyet-mien-sinh-hoat"].endswith("-NQ/CB")
    assert sorted(n for k, n in numbers.items() if k.startswith("quyet-dinh")) == [
        f"0{i}-QĐ/ĐU" for i in range(1, 7)]
    assert numbers["cong-van"] == "01-CV/CB" and numbers["giay-gioi-thieu-sinh-hoat-dang"] == "01-GGT/ĐU"
