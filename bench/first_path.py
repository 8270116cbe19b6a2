"""Time the first real path against a running server: generate, archive, and become searchable.

Usage: start `docservice serve` (e.g. `make run`), then
    .venv/bin/python bench/first_path.py [--base http://127.0.0.1:5000] [--rounds 5]
Prints the median and worst of each step. Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

import httpx
from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def _pdf(marker: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("serif", "", FONT)
    pdf.set_font("serif", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 7, f"NGHỊ QUYẾT {marker}\nChi bộ lãnh đạo đảng viên thực hiện nhiệm vụ sàng lọc đảng viên.")
    return bytes(pdf.output())


def _report(name: str, values: list[float]) -> None:
    print(f"{name:<34} median {statistics.median(values) * 1000:8.0f} ms   worst {max(values) * 1000:8.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    http = httpx.Client(base_url=args.base, timeout=120)
    token = http.post("/api/v1/auth/token", json={"username": "bithu.kp1", "password": "AnPhu2026demo"}).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    org = next(o["id"] for o in http.get("/api/v1/organizations", headers=headers).json()["items"])
    generate, searchable, search = [], [], []
    for round_ in range(args.rounds):
        started = time.perf_counter()
        created = http.post("/api/v1/documents", headers=headers, json={
            "template": "nghi-quyet-chi-bo", "organization_id": org,
            "fields": {"date": "2026-02-05", "subject": f"về nhiệm vụ (đo lần {round_})", "results": "Tốt.",
                       "tasks": ["Thu đảng phí."], "signer_name": "Nguyễn Văn Hùng"}})
        generate.append(time.perf_counter() - started)
        assert created.status_code == 201, created.text
        marker = f"dokiem{time.time_ns()}"
        meta = {"doc_type": "nghi_quyet", "date": "2026-02-05", "organization_id": org, "title": marker}
        response = http.post("/api/v1/records", headers=headers, files={"file": ("x.pdf", io.BytesIO(_pdf(marker)))},
                             data={"metadata": json.dumps(meta)})
        stored = time.perf_counter()
        assert response.status_code == 201, response.text
        while True:
            query_started = time.perf_counter()
            hits = http.get("/api/v1/search", params={"q": marker}, headers=headers).json()["hits"]
            search.append(time.perf_counter() - query_started)
            if hits:
                searchable.append(time.perf_counter() - stored)
                break
            time.sleep(0.02)
    _report("generate resolution (.docx+.pdf)", generate)
    _report("archive 201 → searchable", searchable)
    _report("search request", search)


if __name__ == "__main__":
    main()
