"""Run in spawned processes by the numbering tests: many generations at once from one process."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import select

from docservice.config import Settings
from docservice.db.models import User
from docservice.generation.service import GenerationRequest, generate_document
from docservice.security.policy import Principal
from docservice.services import Services
from tests.fakes import TextPdfConverter

FIELDS = {"date": "2026-02-05", "subject": "về nhiệm vụ tháng 02/2026", "results": "Hoàn thành nhiệm vụ.",
          "tasks": ["Thu đảng phí."], "signer_name": "Nguyễn Thị Hoà"}


def generate_many(settings: dict[str, Any], username: str, org_id: int, threads: int, start_at: float) -> list[str]:
    """Start ``threads`` generations at ``start_at`` (epoch seconds); return the numbers they got."""
    services = Services.build(Settings(**settings))
    services.converter = TextPdfConverter()
    with services.catalogue.reader() as session:
        principal = Principal.of(session.scalar(select(User).where(User.username == username)))
    numbers: list[str] = []
    failures: list[BaseException] = []

    def one() -> None:
        time.sleep(max(0.0, start_at - time.time()))
        try:
            request = GenerationRequest(template="nghi-quyet-chi-bo", organization_id=org_id, fields=FIELDS)
            document = generate_document(request, principal, catalogue=services.catalogue, blobs=services.blobs,
                                         converter=services.converter, templates=services.templates,
                                         rules=services.rules)
            numbers.append(document.number)
        except BaseException as exc:  # reported to the parent process
            failures.append(exc)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    services.catalogue.dispose()
    if failures:
        raise RuntimeError(f"{len(failures)} generations failed: {failures[0]!r}")
    return numbers
