"""Numbering on SQLite and PostgreSQL: per body × type × term, gapless, never reused, across processes."""

import multiprocessing
import time

import pytest
from sqlalchemy import func, select

from docservice.db.models import Clearance, Document, NumberSequence, Term, User
from docservice.errors import ConversionFailed
from docservice.generation.service import GenerationRequest, generate_document
from docservice.numbering import SequenceKey, allocate_number, issue_numbered, next_number
from docservice.security.policy import Principal
from tests.concurrency import FIELDS, generate_many
from tests.fakes import FailingConverter, TextPdfConverter


def _term_id(session, org_id, name):
    return session.scalar(select(Term.id).where(Term.organization_id == org_id, Term.name == name))


def _key(svc, org_id, term_name, doc_type="nghi_quyet"):
    with svc.catalogue.reader() as session:
        return SequenceKey(org_id, doc_type, _term_id(session, org_id, term_name))


def test_numbers_run_per_body_type_and_term(svc, world):
    old, new = _key(svc, world.dong_id, "2020–2025"), _key(svc, world.dong_id, "2025–2027")
    minutes, tay = _key(svc, world.dong_id, "2025–2027", "bien_ban"), _key(svc, world.tay_id, "2025–2027")
    with svc.catalogue.session() as session:
        assert [allocate_number(session, old) for _ in range(3)] == [1, 2, 3]
        assert allocate_number(session, new) == 1 and allocate_number(session, minutes) == 1
        assert allocate_number(session, tay) == 1 and allocate_number(session, old) == 4
        assert next_number(session, old) == 5
        assert session.scalar(select(func.count(NumberSequence.id))) == 4


def test_a_failed_transaction_gives_its_number_back(svc, world):
    key = _key(svc, world.dong_id, "2025–2027")
    with pytest.raises(RuntimeError), svc.catalogue.session() as session:
        assert allocate_number(session, key) == 1
        raise RuntimeError("conversion failed")
    with svc.catalogue.session() as session:
        assert allocate_number(session, key) == 1


def test_a_failed_render_or_store_consumes_no_number(svc, world):
    key = _key(svc, world.dong_id, "2025–2027")

    def broken(*_args):
        raise ConversionFailed()

    with pytest.raises(ConversionFailed):
        issue_numbered(svc.catalogue, key, prepare=broken, store=lambda s, n, p: n)
    with pytest.raises(ConversionFailed):
        issue_numbered(svc.catalogue, key, prepare=lambda n: n, store=broken)
    assert issue_numbered(svc.catalogue, key, prepare=lambda n: n * 10, store=lambda s, n, p: (n, p)) == (1, 10)


def _principal(svc, username):
    with svc.catalogue.reader() as session:
        return Principal.of(session.scalar(select(User).where(User.username == username)))


def test_a_failing_conversion_stores_nothing_and_the_next_document_takes_the_number(svc, world):
    request = GenerationRequest(template="nghi-quyet-chi-bo", organization_id=world.dong_id, fields=FIELDS)
    principal = _principal(svc, "thuky.dong")
    engines = {"catalogue": svc.catalogue, "blobs": svc.blobs, "templates": svc.templates, "rules": svc.rules}
    with pytest.raises(ConversionFailed):
        generate_document(request, principal, converter=FailingConverter(), **engines)
    assert list(svc.blobs.digests()) == []
    document = generate_document(request, principal, converter=TextPdfConverter(), **engines)
    assert document.number == "01-NQ/CB"


def test_secret_and_ordinary_documents_share_one_sequence(svc, world):
    principal = _principal(svc, "thuky.dong")
    engines = {"catalogue": svc.catalogue, "blobs": svc.blobs, "templates": svc.templates, "rules": svc.rules,
               "converter": TextPdfConverter()}
    numbers = []
    for level in ("thuong", "mat", "thuong"):
        request = GenerationRequest(template="nghi-quyet-chi-bo", organization_id=world.dong_id, fields=FIELDS,
                                    confidentiality=Clearance[level])
        numbers.append(generate_document(request, principal, **engines).number)
    assert numbers == ["01-NQ/CB", "02-NQ/CB", "03-NQ/CB"]


@pytest.mark.slow
def test_fifty_concurrent_generations_from_five_processes_get_fifty_consecutive_numbers(svc, world, settings):
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 6.0
    arguments = [(settings.model_dump(mode="json"), "thuky.dong", world.dong_id, 10, start_at) for _ in range(5)]
    with context.Pool(5) as pool:
        results = pool.starmap(generate_many, arguments)
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == [f"{i:02d}-NQ/CB" for i in range(1, 51)]
    with svc.catalogue.reader() as session:
        sequences = session.scalars(select(Document.sequence).order_by(Document.sequence)).all()
        assert sequences == list(range(1, 51))
        assert session.scalar(select(NumberSequence.last_value)) == 50
