"""Bulk import of a folder of PDFs: idempotent by SHA-256, resumable after any crash, reviewable.

Each file is one unit of work: its stored bytes, its record, its outbox entry and its import item
commit together (the file itself is written first, under its hash, so a crash can only leave a
file that the resumed import adopts). The import remembers every file it finished in
``import_items``; run again, it continues where it stopped and ends with the same counts.

Metadata comes from the manifest (CSV, columns in ``MANIFEST_COLUMNS``) when a row names the file,
otherwise from the document's own text; anything read with low confidence puts the record in the
review queue, with the reasons, rather than guessing silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, update

from docservice.archive.blobs import sha256_of
from docservice.archive.engines import ArchiveEngines
from docservice.archive.metadata import HIGH, LOW, Reading, read_metadata
from docservice.archive.service import (
    ArchiveOptions,
    Inspection,
    RecordMetadata,
    inspect_upload,
    new_record,
    resolve_metadata,
    store_record,
)
from docservice.archive.staging import staged_files
from docservice.db.models import ImportItem, Job, Organization, Record, User
from docservice.errors import Conflict, DocserviceError, NotFound, ValidationFailed
from docservice.processes import alive
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.validation import field_errors

MANIFEST_COLUMNS = ("file", "doc_type", "number", "date", "organization", "title", "signer", "confidentiality",
                    "stage")
OUTCOMES = ("imported", "already_present", "needs_review", "refused")
_LEVELS = ("thuong", "mat", "toi_mat", "tuyet_mat")
_UNSURE = {
    "doc_type": "Không đọc được loại văn bản.",
    "date": "Không đọc được ngày văn bản; tạm lấy ngày sửa tệp.",
    "organization_id": "Không xác định được tổ chức ban hành; tạm xếp vào tổ chức mặc định của lần nhập.",
    "title": "Không đọc được trích yếu; tạm lấy tên tệp.",
}


@dataclass
class ImportSummary:
    job_id: int
    counts: dict[str, int]
    refusals: list[dict[str, str]] = field(default_factory=list)
    report: Path | None = None


def discover(directory: Path) -> list[Path]:
    """Every PDF under ``directory`` (case-insensitive), hidden files skipped, in a stable order."""
    found = [p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"
             and not any(part.startswith(".") for part in p.relative_to(directory).parts)]
    return sorted(found, key=lambda p: str(p.relative_to(directory)))


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Manifest rows by file (relative path); ``ValidationFailed`` names every bad line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _manifest_rows(csv.DictReader(handle))
    except UnicodeDecodeError as exc:
        raise ValidationFailed("Tệp kê khai phải là CSV mã UTF-8.", errors={"manifest": "Không phải UTF-8."}) from exc
    except csv.Error as exc:
        raise ValidationFailed("Tệp kê khai không phải CSV đọc được (một ô quá dài hoặc sai dấu ngoặc kép).",
                               errors={"manifest": "CSV hỏng."}) from exc


def _manifest_rows(reader: csv.DictReader) -> dict[str, dict[str, str]]:
    unknown = set(reader.fieldnames or ()) - set(MANIFEST_COLUMNS)
    if "file" not in (reader.fieldnames or ()) or unknown:
        raise ValidationFailed("Tệp kê khai phải có cột \"file\" và chỉ các cột: " + ", ".join(MANIFEST_COLUMNS),
                               errors={"manifest": "Sai cột: " + ", ".join(sorted(unknown)) if unknown else
                                       "Thiếu cột file."})
    rows = {}
    for line, row in enumerate(reader, start=2):
        name = (row.get("file") or "").strip()
        if None in row:  # more cells than the header has columns
            raise ValidationFailed(f"Dòng {line} của tệp kê khai có nhiều ô hơn số cột.",
                                   errors={"manifest": f"dòng {line}"})
        if not name:
            raise ValidationFailed(f"Dòng {line} của tệp kê khai thiếu tên tệp.", errors={"manifest": f"dòng {line}"})
        rows[name] = {k: v.strip() for k, v in row.items() if k != "file" and v and v.strip()}
    return rows


def _manifest_date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


@dataclass
class _Context:
    engines: ArchiveEngines
    job: Job
    principal: policy.Principal
    organizations: list[Organization]  # those the importer may see
    every_organization: list[Organization]  # for reading headers: a name outside the scope is not a near match
    default_org: Organization
    manifest: dict[str, dict[str, str]]
    options: ArchiveOptions


def _from_manifest(row: dict[str, str], ctx: _Context) -> dict[str, Any]:
    values: dict[str, Any] = {k: row[k] for k in ("doc_type", "number", "title", "signer", "confidentiality", "stage")
                              if k in row}
    if "date" in row:
        values["date"] = _manifest_date(row["date"])
    if "organization" in row:
        org = next((o for o in ctx.organizations if o.code == row["organization"]), None)
        if org is None:
            raise ValueError(f"không có tổ chức mã {row['organization']}")
        values["organization_id"] = org.id
    return values


def _metadata(path: Path, seen: Inspection, row: dict[str, str] | None, ctx: _Context
              ) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The record's metadata, the reasons to review it, and the confidence of each field."""
    given = _from_manifest(row, ctx) if row else {}
    profile = ctx.engines.rules.current()
    read = read_metadata(seen.text.text, profile, ctx.every_organization)
    values, confidence, reasons = dict(given), {k: "manifest" for k in given}, []
    for name in ("doc_type", "number", "date", "organization_id", "title"):
        if name in values:
            continue
        reading = read.fields.get(name)
        if name == "organization_id":
            reading = _issuer(reading, read.value("issuer"), ctx, reasons)
        if reading is not None and reading.confidence != LOW:
            values[name], confidence[name] = reading.value, reading.confidence
        elif name in _UNSURE:
            reasons.append(_UNSURE[name])
            confidence[name] = LOW
    mark = read.fields.get("confidentiality")
    if mark is not None and _LEVELS.index(mark.value) > _LEVELS.index(values.get("confidentiality", "thuong")):
        # On the safe side: a printed mark always wins over a lower level, and a person checks it.
        values["confidentiality"], confidence["confidentiality"] = mark.value, mark.confidence
        if mark.confidence != HIGH or "confidentiality" in given:
            reasons.append(f"Văn bản có dấu chỉ độ mật «{profile.confidentiality_mark(mark.value)}»; "
                           "đã đặt độ mật theo dấu, cần kiểm tra lại.")
    values.setdefault("doc_type", "khac")
    values.setdefault("date", dt.date.fromtimestamp(path.stat().st_mtime))
    values.setdefault("organization_id", ctx.default_org.id)
    values.setdefault("title", path.stem[:1000])
    return values, reasons, confidence


def _issuer(reading: Reading | None, printed: str | None, ctx: _Context, reasons: list[str]) -> Reading | None:
    """The issuing organisation read from the header, kept only when it is one the importer may see and
    the header names it exactly. A near match (a character or two apart) is proposed for the archivist to
    confirm; a header naming an organisation outside the importer's scope reads as not found, and
    nothing is filed under another organisation without a person deciding."""
    if reading is None:
        return None
    org = next((o for o in ctx.organizations if o.id == reading.value), None)
    if org is None:
        return None
    if reading.confidence != HIGH:
        reasons.append(f"Tên tổ chức ở tiêu đề («{printed}») chỉ gần giống «{org.name}»; đã tạm xếp vào tổ chức "
                       "này, cần kiểm tra.")
    return reading


def _same_number(session: Any, meta: RecordMetadata, principal: policy.Principal) -> int | None:
    """A kept record (that the importer may see) of the same organisation, type, number and year:
    a copy, a version or an error — the archivist decides."""
    if not meta.number:
        return None
    return session.scalar(policy.visible(Record, principal).with_only_columns(Record.id).where(
        Record.organization_id == meta.organization_id, Record.doc_type == meta.doc_type,
        Record.number == meta.number, Record.disposed_at.is_(None),
        Record.date >= dt.date(meta.date.year, 1, 1), Record.date <= dt.date(meta.date.year, 12, 31)).limit(1))


def _item(session: Any, ctx: _Context, relative: str, outcome: str, *, sha256: str | None = None,
          reason: str | None = None, record_id: int | None = None) -> None:
    """What became of one file, and the job's progress, in the transaction that did it."""
    session.add(ImportItem(job_id=ctx.job.id, path=relative, sha256=sha256, outcome=outcome, reason=reason,
                           record_id=record_id))
    session.execute(update(Job).where(Job.id == ctx.job.id).values(progress=Job.progress + 1))


def _refuse(ctx: _Context, relative: str, sha256: str | None, error: DocserviceError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in (error.errors or {}).items())
    with ctx.engines.catalogue.session() as session:
        _item(session, ctx, relative, "refused", sha256=sha256, reason=f"{error.detail} {details}".strip())


def _import_one(ctx: _Context, directory: Path, path: Path) -> None:
    relative = str(path.relative_to(directory))
    if not _within(path.resolve(), directory.resolve()):  # never read: it may be another organisation's file
        _refuse(ctx, relative, None, ValidationFailed("Tệp là liên kết trỏ ra ngoài thư mục đang nhập; không nhập."))
        return
    sha256 = sha256_of(path)
    with ctx.engines.catalogue.reader() as session:
        kept = select(Record.id).where(Record.sha256 == sha256, Record.disposed_at.is_(None)).limit(1)
        present = session.scalar(kept)
        if present is not None:  # the importer holds these very bytes; it learns the id only if cleared
            present_visible = session.scalar(policy.visible(Record, ctx.principal).with_only_columns(Record.id)
                                             .where(Record.id == present))
    if present is not None:
        with ctx.engines.catalogue.session() as session:
            _item(session, ctx, relative, "already_present", sha256=sha256, record_id=present_visible)
        return
    try:
        seen = inspect_upload(path, sha256, ctx.options)
        values, reasons, confidence = _metadata(path, seen, ctx.manifest.get(relative), ctx)
        meta = RecordMetadata.model_validate(values)
        with ctx.engines.catalogue.reader() as session:
            meta, _ = resolve_metadata(session, meta, ctx.principal, ctx.engines.rules)
            policy.get_organization(session, meta.organization_id, ctx.principal)
            twin = _same_number(session, meta, ctx.principal)
        if twin is not None:
            reasons.append(f"Số {meta.number} trùng với hồ sơ #{twin} cùng tổ chức, cùng loại, cùng năm.")
    except ValidationError as exc:
        _refuse(ctx, relative, sha256, ValidationFailed("Thông tin kê khai không hợp lệ.",
                                                        errors=field_errors(exc, "manifest")))
        return
    except ValueError as exc:
        _refuse(ctx, relative, sha256, ValidationFailed(f"Thông tin kê khai không hợp lệ: {exc}."))
        return
    except DocserviceError as exc:
        _refuse(ctx, relative, sha256, exc)
        return
    with staged_files(ctx.engines.blobs, ctx.engines.catalogue) as stored, \
            ctx.engines.catalogue.session() as session:
        stored_sha, size = stored.put_file(path)
        record = new_record(meta, seen, stored_sha, size, seen.warnings, ctx.principal)
        record.needs_review, record.review_reasons = bool(reasons), reasons
        record.metadata_confidence, record.original_name = confidence, relative[:500]
        store_record(session, record, seen, ctx.principal, "record.import", None)
        _item(session, ctx, relative, "needs_review" if reasons else "imported", sha256=sha256,
              record_id=record.id)


def counts(engines: ArchiveEngines, job_id: int) -> dict[str, int]:
    with engines.catalogue.reader() as session:
        rows = session.execute(select(ImportItem.outcome, func.count()).where(ImportItem.job_id == job_id)
                               .group_by(ImportItem.outcome)).all()
    found = dict(rows)
    return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}


def prepare(engines: ArchiveEngines, directory: Path, manifest: Path | None, principal: policy.Principal, *,
            organization_id: int | None = None, resume: bool = True) -> Job:
    """The import job for ``directory``: the unfinished one for the same folder, or a new one."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise NotFound(f"Không có thư mục {directory.name}.")
    params = {"directory": str(directory), "manifest": str(manifest.resolve()) if manifest else None}
    with engines.catalogue.session() as session:
        if resume:
            mine = Job.created_by.is_(None) if principal.user_id is None else Job.created_by == principal.user_id
            for job in session.scalars(select(Job).where(Job.kind == "import", Job.status != "done", mine)
                                       .order_by(Job.id.desc())):
                if {k: job.params.get(k) for k in params} == params:
                    if job.status == "failed":  # resumed where it stopped, by whoever runs it next
                        job.status, job.error = "queued", None
                    return job
        job = Job(kind="import", status="queued", created_by=principal.user_id,
                  organization_id=organization_id or principal.scope_org_id,
                  params={**params, "username": principal.username})
        session.add(job)
        session.flush()
        append_event(session, username=principal.username, action="import.start", object_type="import",
                     object_id=job.id, remote_addr=principal.remote_addr)
        return job


def _runner_alive(job: Job) -> bool:
    """Whether another live process on this host is running ``job`` (another host: assume it is)."""
    runner, host = job.params.get("runner_pid"), job.params.get("runner_host")
    if not runner or job.status != "running" or (runner == os.getpid() and host == socket.gethostname()):
        return False
    return host != socket.gethostname() or alive(runner)


def _claim(job: Job) -> None:
    if _runner_alive(job):
        raise Conflict(f"Lần nhập số {job.id} đang chạy ở tiến trình {job.params.get('runner_pid')}.")


_UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def _owns_folder(session: Any, principal: policy.Principal, name: str) -> bool:
    """Whether the import root's top folder ``name`` is the caller's: a folder named by an organisation's
    code belongs to that organisation (and those above it); any other folder (a scanner's drop folder)
    belongs to the users of a top organisation."""
    codes = select(Organization.id).where(Organization.code == name)
    if session.scalar(codes.where(policy.in_scope(principal))) is not None:
        return True
    if session.scalar(codes) is not None:
        return False
    return session.scalar(select(Organization.parent_id).where(Organization.id == principal.scope_org_id)) is None


def web_path(engines: ArchiveEngines, relative: str, principal: policy.Principal, *, field: str = "directory") -> Path:
    """The folder (or file) a web user named under the import root, if it lies in the caller's part of it.

    Somebody else's folder answers exactly like a folder that does not exist, so nobody learns what
    other organisations keep there; a path that climbs out, or a link that leads out, is refused."""
    root = engines.settings.import_root
    if root is None:
        raise Conflict("Máy chủ chưa cấu hình thư mục nhập (DOCSERVICE_IMPORT_ROOT); hãy dùng lệnh docservice import.")
    parts = PurePosixPath(relative).parts
    if _UNSAFE_PATH.search(relative) or not parts or parts[0] == "/" or any(p in (".", "..") for p in parts):
        message = "Đường dẫn tính từ thư mục nhập, không có ký tự điều khiển, \"\\\", \".\" hay \"..\"."
        raise ValidationFailed(message, errors={field: message})
    with engines.catalogue.reader() as session:
        owned = _owns_folder(session, principal, parts[0])
    missing = NotFound(f"Không có «{relative}» trong phần thư mục nhập của bạn.", errors={field: "Không có."})
    if not owned:
        raise missing
    try:
        top, wanted = (root / parts[0]).resolve(), (root / relative).resolve()
        present = wanted.exists()
    except (OSError, RuntimeError) as exc:  # a name too long for the disk, a link that loops
        message = "Đường dẫn không dùng được (tên quá dài hoặc liên kết vòng)."
        raise ValidationFailed(message, errors={field: message}) from exc
    if not (_within(top, root) and _within(wanted, top)):
        message = "Đường dẫn là liên kết trỏ ra ngoài phần thư mục nhập của bạn."
        raise ValidationFailed(message, errors={field: message})
    if not present:
        raise missing
    return wanted


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def start_web_import(engines: ArchiveEngines, principal: policy.Principal, *, directory: str, manifest: str | None,
                     organization_id: int | None) -> Job:
    """An import started from the API or a page: a folder (and manifest) of the caller's part of the
    import root, records defaulting to an organisation of the caller's scope."""
    policy.require(principal, "import.run")
    folder = web_path(engines, directory, principal)
    if not folder.is_dir():
        raise NotFound(f"«{directory}» không phải là thư mục.", errors={"directory": "Không phải thư mục."})
    listing = web_path(engines, manifest, principal, field="manifest") if manifest else None
    if listing is not None:
        if not listing.is_file():
            raise NotFound("Không có tệp kê khai này trong thư mục nhập.", errors={"manifest": "Không có."})
        read_manifest(listing)
    org_id = organization_id or principal.scope_org_id
    with engines.catalogue.reader() as session:
        policy.get_organization(session, org_id, principal)
    return prepare(engines, folder, listing, principal, organization_id=org_id)


def job_principal(engines: ArchiveEngines, job: Job) -> policy.Principal:
    """The user who started a web import, with their scope and clearance as they are now."""
    with engines.catalogue.reader() as session:
        user = session.get(User, job.created_by) if job.created_by else None
        if user is None or not user.active:
            raise Conflict("Người tạo lần nhập không còn hoạt động; lần nhập dừng lại.")
        principal = policy.Principal.of(user)
    policy.require(principal, "import.run")
    return principal


def recover_interrupted(engines: ArchiveEngines) -> list[int]:
    """Web imports left running by a worker of this host that died: queued again, to resume."""
    with engines.catalogue.session() as session:
        stuck = [job for job in session.scalars(select(Job).where(Job.kind == "import", Job.status == "running"))
                 if job.created_by is not None and job.params.get("runner_host") == socket.gethostname()
                 and not _runner_alive(job) and job.params.get("runner_pid") != os.getpid()]
        for job in stuck:
            job.status = "queued"
        return [job.id for job in stuck]


def run(engines: ArchiveEngines, job_id: int, principal: policy.Principal, *,
        progress: Callable[[Path], None] = lambda path: None, before: Callable[[int], None] = lambda left: None
        ) -> ImportSummary:
    """Import every file of the job's folder not yet done; write the report; return the summary."""
    with engines.catalogue.session() as session:
        job = session.get(Job, job_id)
        job.status, job.started_at = "running", job.started_at or dt.datetime.now(dt.UTC)
        _claim(job)
        job.params = {**job.params, "runner_pid": os.getpid(), "runner_host": socket.gethostname()}
        done = set(session.scalars(select(ImportItem.path).where(ImportItem.job_id == job_id)))
        organizations = list(session.scalars(policy.visible_organizations(principal)))
        every_organization = list(session.scalars(select(Organization)))
    directory = Path(job.params["directory"])
    manifest = read_manifest(Path(job.params["manifest"])) if job.params.get("manifest") else {}
    default_id = job.organization_id or principal.scope_org_id
    default_org = next((o for o in organizations if o.id == default_id), None)
    if default_org is None:
        raise NotFound("Tổ chức mặc định của lần nhập không thuộc phạm vi của bạn.")
    settings = engines.settings
    ctx = _Context(engines, job, principal, organizations, every_organization, default_org, manifest,
                   ArchiveOptions(settings.trust_roots, settings.max_pages, settings.ocr_max_pages,
                                  sandbox=engines.sandbox))
    engines.blobs.remove_stale_temporary()
    files = discover(directory)
    left = [p for p in files if str(p.relative_to(directory)) not in done]
    _set_total(engines, job_id, len(files))
    before(len(left))
    for path in left:
        _import_one(ctx, directory, path)
        progress(path)
    return finish(engines, job_id)


def _set_total(engines: ArchiveEngines, job_id: int, total: int) -> None:
    with engines.catalogue.session() as session:
        session.get(Job, job_id).total = total


def finish(engines: ArchiveEngines, job_id: int) -> ImportSummary:
    """Mark the job done, write its machine-readable report next to the archive, return the summary."""
    summary = ImportSummary(job_id, counts(engines, job_id))
    with engines.catalogue.reader() as session:
        items = session.scalars(select(ImportItem).where(ImportItem.job_id == job_id).order_by(ImportItem.id)).all()
        report_items = [{"file": i.path, "sha256": i.sha256, "outcome": i.outcome, "reason": i.reason,
                         "record_id": i.record_id} for i in items]
    summary.refusals = [{"file": i["file"], "reason": i["reason"]} for i in report_items if i["outcome"] == "refused"]
    folder = engines.settings.archive_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    summary.report = folder / f"import-{job_id}.json"
    summary.report.write_text(json.dumps({"job": job_id, "counts": summary.counts, "items": report_items},
                                         ensure_ascii=False, indent=1), encoding="utf-8")
    with engines.catalogue.session() as session:
        job = session.get(Job, job_id)
        job.status, job.finished_at = "done", dt.datetime.now(dt.UTC)
        job.progress = sum(summary.counts.values())
        job.report = {"counts": summary.counts, "report": str(summary.report)}
    return summary
