"""The monthly report and the books, assembled from the figures and the archive."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db.models import Document, Organization, Record, Term
from docservice.errors import DocserviceError, NotFound, ValidationFailed
from docservice.oversight import charts
from docservice.oversight.figures import MINUTES_TYPE, RESOLUTION_TYPE, Period, rate_text, statistics
from docservice.oversight.printing import BookEntry, Letterhead, ReportSection, book_pdf, report_pdf
from docservice.rules import RuleProfile
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.security.audit import append_event, audit_reads, confidential_read

MAX_BOOK_ENTRIES = 400
BOOKS = {"minutes": (MINUTES_TYPE, "Sổ biên bản sinh hoạt chi bộ"), "resolutions": (RESOLUTION_TYPE, "Sổ nghị quyết")}


def letterhead(session: Session, org: Organization, profile: RuleProfile, day: dt.date) -> Letterhead:
    """The header as the party's documents print it: the superior party organisation (đảng bộ) above the
    issuer; reports go to the superior committee (đảng ủy)."""
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    superior = org.superior_name or (parent.name if parent else "")
    committee = parent.committee_name if parent else (org.superior_name or "Cấp ủy cấp trên")
    return Letterhead(superior=superior, superior_committee=committee, issuer=org.committee_name,
                      place_date=profile.place_date_line(org.place or "", day),
                      authority=profile.authority_line(org.kind.value))


def _names(rows: list[dict[str, Any]], key: str) -> str:
    return ", ".join(r["name"] for r in rows if r[key]) or "không có"


def monthly_sections(stats_month: dict[str, Any], stats_year: dict[str, Any], doc_names: dict[str, str],
                     month_label: str) -> list[ReportSection]:
    """What the report says, in Vietnamese, from the month's and the year-to-date figures."""
    m, a = stats_month["meetings"], stats_month["attendance"]
    cells = stats_month["per_organization"]
    sections = [ReportSection(
        "Tình hình sinh hoạt chi bộ",
        [f"Trong {month_label}, có {m['on_time']}/{m['months']} chi bộ sinh hoạt thường kỳ đúng lịch "
         f"({rate_text(m['on_time'], m['months'])}), {m['late']} chi bộ sinh hoạt chậm, {m['missing']} chi bộ "
         f"không sinh hoạt; {m['thematic']} buổi sinh hoạt chuyên đề.",
         f"Chi bộ sinh hoạt chậm: {_names(cells, 'months_late')}. Chi bộ không sinh hoạt: "
         f"{_names(cells, 'months_missing')}."],
        [charts.meetings_on_time(stats_year)])]
    sections.append(ReportSection(
        "Đảng viên dự sinh hoạt",
        [f"Lượt đảng viên phải dự: {a['expected']}; có mặt {a['present']} ({rate_text(a['present'], a['expected'])}),"
         f" vắng có lý do {a['absent_excused']}, vắng không lý do {a['absent_unexcused']} (không tính đảng viên "
         f"được miễn sinh hoạt, đang sinh hoạt tạm thời nơi khác hoặc bị đình chỉ). Chỉ tiêu: trên "
         f"{a['target_percent']:g}%."],
        [charts.attendance_heatmap(stats_year)],
        (["Chi bộ", "Số buổi", "Có mặt/Phải dự", "Tỷ lệ", "Vắng không lý do"],
         [[c["name"], c["meetings"], f"{c['attendance']['present']}/{c['attendance']['expected']}",
           rate_text(c["attendance"]["present"], c["attendance"]["expected"]), c["attendance"]["absent_unexcused"]]
          for c in cells], [0.4, 0.12, 0.18, 0.12, 0.18])))
    study = stats_month["study"]
    if study:
        sections.append(ReportSection("Học tập, quán triệt nghị quyết", [
            f"{study['sessions']} buổi; {study['participated']}/{study['expected']} đảng viên tham gia "
            f"({rate_text(study['participated'], study['expected'])})."], []))
    made = sum(stats_month["documents_by_type"].values())
    filed = sum(stats_month["records_by_type"].values())
    sections.append(ReportSection("Văn bản, hồ sơ", [f"Trong tháng lập {made} văn bản và lưu trữ {filed} hồ sơ."],
                                  [charts.documents_by_type(stats_month, doc_names)]))
    notes = []
    for item in stats_year["admissions"]:
        target = f" trên chỉ tiêu {item['target']} ({item['percent_text']})" if item["target"] else ""
        notes.append(f"Năm {item['year']} đã kết nạp {item['admitted']} đảng viên{target}.")
    due = [r for r in stats_year["recognitions"] if r["state"] != "waiting"]
    notes.append("Đảng viên dự bị đến hạn hoặc quá hạn xét công nhận chính thức: " + (", ".join(
        f"{r['full_name']} (hạn {r['decide_by'].strftime('%d/%m/%Y')})" for r in due) or "không có") + ".")
    notes.append(f"Đảng viên vắng sinh hoạt không lý do từ {stats_year['rules']['unexcused_alert_months']} tháng "
                 "trở lên trong năm (xem xét theo Quy định về xóa tên): " + (", ".join(
                     f"{x['full_name']} ({len(x['months'])} tháng)" for x in stats_year["unexcused_alerts"])
                     or "không có") + ".")
    sections.append(ReportSection("Công tác đảng viên", notes, []))
    return sections


def monthly_report(session: Session, org: Organization, year: int, month: int, principal: policy.Principal,
                   profile: RuleProfile, doc_names: dict[str, str], today: dt.date) -> bytes:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    as_of = min(today, last + dt.timedelta(days=1))  # a past month is reported as it stood at its end
    month_period = Period(dt.date(year, month, 1), last)
    stats_month = statistics(session, org, month_period, principal, profile.oversight, as_of)
    stats_year = statistics(session, org, Period(dt.date(year, 1, 1), last), principal, profile.oversight, as_of)
    label = profile.month_text(last)
    sections = monthly_sections(stats_month, stats_year, doc_names, label)
    head = letterhead(session, org, profile, min(today, last + dt.timedelta(days=5)))
    return report_pdf(profile, head, "BÁO CÁO", f"Tình hình sinh hoạt chi bộ và công tác đảng {label}",
                      sections, [f"{head.superior_committee} (b/c)",
                                 "Các chi bộ trực thuộc", profile.archive_text(org.kind.value)])


def _term_period(session: Session, org: Organization, term_id: int) -> tuple[Period, str]:
    term = session.get(Term, term_id)
    if term is None or term.organization_id != org.id:
        raise NotFound("Không tìm thấy nhiệm kỳ này của tổ chức.")
    end = term.end_date or dt.date.today()
    return Period(term.start_date, end), term_label(term.name)


def term_label(name: str) -> str:
    """``Nhiệm kỳ 2025–2030`` whether or not the term's name already says "Nhiệm kỳ"."""
    return name if name.casefold().startswith("nhiệm kỳ") else f"Nhiệm kỳ {name}"


def book_entries(session: Session, org: Organization, doc_type: str, period: Period, principal: policy.Principal,
                 read_blob: Any) -> tuple[list[BookEntry], list[tuple[str, int, Any]]]:
    """Every minutes (or resolution) of the organisation in the period that the caller may see: the archived
    signed copy when there is one, else the generated PDF; archived records made outside the system too.
    Also every paper read for it (for the audit trail)."""
    documents = list(session.scalars(policy.visible(Document, principal).where(
        Document.organization_id == org.id, Document.doc_type == doc_type, Document.date >= period.start,
        Document.date <= period.end)))
    records = list(session.scalars(policy.visible(Record, principal).where(
        Record.organization_id == org.id, Record.doc_type == doc_type, Record.date >= period.start,
        Record.date <= period.end, Record.superseded.is_(False), Record.disposed_at.is_(None))))
    if len(documents) + len(records) > MAX_BOOK_ENTRIES:
        raise ValidationFailed(f"Sổ có hơn {MAX_BOOK_ENTRIES} văn bản; chọn khoảng thời gian ngắn hơn.")
    signed = {r.document_id: r for r in records if r.document_id is not None}

    def read(digest: str) -> bytes:
        try:
            return read_blob(digest)
        except (DocserviceError, OSError):  # a missing file: the book shows a stand-in page for it
            return b""

    entries, reads = [], []
    for d in documents:
        copy = signed.get(d.id)
        entries.append((d.date, d.sequence, BookEntry(d.number, d.date, d.title,
                                                      "bản ký lưu trữ" if copy else "bản do hệ thống lập",
                                                      read(copy.sha256 if copy else d.pdf_sha256))))
        reads.append(confidential_read(copy or d))
    for r in records:
        if r.document_id is None:
            entries.append((r.date, 10**9, BookEntry(r.number or "", r.date, r.title, "hồ sơ lưu trữ",
                                                     read(r.sha256))))
            reads.append(confidential_read(r))
    return [e for _, _, e in sorted(entries, key=lambda x: (x[0], x[1], x[2].number))], reads


def book(session: Session, org: Organization, which: str, principal: policy.Principal, profile: RuleProfile, *,
         year: int | None, term_id: int | None, read_blob: Any, today: dt.date, sandbox: Sandbox | None = None
         ) -> tuple[bytes, list[tuple[str, int, Any]]]:
    """The book as one PDF, and the papers in it (type, id, confidentiality) for the audit trail."""
    doc_type, title = BOOKS[which]
    if term_id is not None:
        period, label = _term_period(session, org, term_id)
    else:
        period, label = Period.of_year(year or today.year), f"Năm {year or today.year}"
    entries, reads = book_entries(session, org, doc_type, period, principal, read_blob)
    return book_pdf(profile, letterhead(session, org, profile, today), title, label, entries, sandbox=sandbox), reads


def term_ids(session: Session, org: Organization) -> list[tuple[int, str]]:
    return [(t.id, term_label(t.name)) for t in session.scalars(select(Term).where(Term.organization_id == org.id)
                                                                 .order_by(Term.start_date))]


def book_download(catalogue: Any, blobs: Any, rules: Any, org_id: int, which: str, principal: policy.Principal, *,
                  year: int | None, term_id: int | None, remote_addr: str | None, today: dt.date,
                  sandbox: Sandbox | None = None) -> bytes:
    """The book for a download: built from what the caller may see, the download recorded in the audit trail
    (it gathers many documents at once)."""
    policy.require(principal, "document.read")

    def read_blob(digest: str) -> bytes:
        with blobs.open(digest) as handle:
            return handle.read()

    with catalogue.reader() as session:
        org = policy.get_organization(session, org_id, principal)
        body, reads = book(session, org, which, principal, rules.for_date(dt.date(year, 12, 31) if year else today),
                           year=year, term_id=term_id, read_blob=read_blob, today=today, sandbox=sandbox)
    detail = f"book={which};year={year};term={term_id};documents={len(reads)}"
    with catalogue.session() as session:
        append_event(session, username=principal.username, action="book.download", object_type="organization",
                     object_id=org_id, remote_addr=remote_addr, detail=detail)
    audit_reads(catalogue, principal, "book.read", reads, detail=f"book={which};organization={org_id}")
    return body


def report_download(catalogue: Any, rules: Any, org_id: int, year: int, month: int, principal: policy.Principal,
                    today: dt.date) -> bytes:
    """The monthly report of an organisation in the caller's scope."""
    with catalogue.reader() as session:
        org = policy.get_organization(session, org_id, principal)
        profile = rules.for_date(dt.date(year, month, 1))
        names = {k: t.name for k, t in profile.doc_types.items()}
        return monthly_report(session, org, year, month, principal, profile, names, today)
