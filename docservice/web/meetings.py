"""The secretary's pages: record a meeting, see its figures, make its minutes and resolution, and the
generated document with its downloads and preview. The same services and rules as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from docservice.db.models import Document, Meeting, Organization, OrgKind
from docservice.errors import DocserviceError
from docservice.meetings.documents import generate_for_meeting
from docservice.meetings.models import MeetingIn
from docservice.meetings.service import record_meeting
from docservice.registry.members import members_on
from docservice.security import policy
from docservice.services import current_services
from docservice.web.forms import EmptyForm, bounded_int, refusals_into
from docservice.web.reading import audit_read, doc_type_names
from docservice.web.session import clearance_levels, login_required

bp = Blueprint("secretary", __name__)
CONTENT_BLOCKS, MAX_BLOCKS = 3, 50  # blocks shown at first; the API takes up to 50
STATUSES = {"present": _l("Có mặt"), "absent_excused": _l("Vắng có lý do"), "absent_unexcused": _l("Vắng không lý do")}
KINDS = {"thuong_ky": _l("Sinh hoạt thường kỳ"), "chuyen_de": _l("Sinh hoạt chuyên đề"),
         "bat_thuong": _l("Họp bất thường")}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def _cells(session) -> list[Organization]:
    return list(session.scalars(policy.visible_organizations(g.principal)
                                .where(Organization.kind == OrgKind.chi_bo).order_by(Organization.path)))


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    policy.require(g.principal, "meeting.write")
    form, errors = EmptyForm(), {}
    values = request.form if request.method == "POST" else request.args
    try:
        day = dt.date.fromisoformat(values.get("date") or dt.date.today().isoformat())
    except ValueError:
        day, errors["date"] = dt.date.today(), _("Ngày không hợp lệ.")
    with current_services().catalogue.reader() as session:
        cells = _cells(session)
        org_id = bounded_int(values.get("organization_id")) or (cells[0].id if len(cells) == 1 else 0)
        org = next((c for c in cells if c.id == org_id), None)
        members = members_on(session, org.id, day) if org else []
        session.expunge_all()
    blocks = _blocks(values)
    if request.method == "POST" and org is not None and members and values.get("more"):
        blocks = min(blocks + 1, MAX_BLOCKS)  # one more content block; nothing saved yet
    elif request.method == "POST" and org is not None and members:
        if not form.validate_on_submit():
            errors["form"] = _("Biểu mẫu đã hết hạn; vui lòng gửi lại.")
        else:
            payload = _payload(request.form, org.id, day, members, blocks)
            with refusals_into(errors):
                data = MeetingIn.model_validate(payload)
                svc = current_services()
                meeting = record_meeting(data, g.principal, catalogue=svc.catalogue, rules=svc.rules)
            if not errors:
                flash(_("Đã ghi buổi sinh hoạt. Kiểm tra số liệu rồi tạo biên bản, nghị quyết."), "info")
                return redirect(url_for("secretary.meeting_page", meeting_id=meeting.id))
    return render_template("meeting_new.html", form=form, cells=cells, org=org, day=day, members=members,
                           values={**_defaults(members), **values.to_dict()}, errors=errors, statuses=STATUSES,
                           kinds=KINDS, blocks=blocks, max_blocks=MAX_BLOCKS,
                           levels=clearance_levels()), 422 if errors else 200


def _defaults(members: list) -> dict[str, str]:
    """What the form starts with: the secretary as chair, a deputy (or another member) taking the minutes,
    members active in another cell for now absent with that reason — the secretary changes what differs."""
    by_position = {m.position.value: m.member_id for m in reversed(members)}
    chair = by_position.get("bi_thu", members[0].member_id if members else None)
    taker = by_position.get("pho_bi_thu") or by_position.get("chi_uy_vien") or next(
        (m.member_id for m in members if m.member_id != chair), chair)
    found: dict[str, str] = {"chair_id": str(chair), "minute_taker_id": str(taker)} if members else {}
    for m in members:
        if m.temporary is not None and m.temporary.value == "di":
            found[f"status_{m.member_id}"] = "absent_excused"
            found[f"reason_{m.member_id}"] = "Sinh hoạt tạm thời nơi khác"
    return found


def _blocks(values: Any) -> int:
    try:
        return max(CONTENT_BLOCKS, min(int(values.get("blocks") or CONTENT_BLOCKS), MAX_BLOCKS))
    except ValueError:
        return CONTENT_BLOCKS


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _payload(form: Any, org_id: int, day: dt.date, members: list, blocks: int) -> dict[str, Any]:
    """The form as the API's meeting body (the service checks it the same way)."""
    by_name = {m.full_name.casefold(): m.member_id for m in members}
    contents = []
    for index in range(1, blocks + 1):
        heading, text = form.get(f"heading_{index}", "").strip(), form.get(f"text_{index}", "").strip()
        if not heading and not text:
            continue
        speakers = []
        for line in _lines(form.get(f"speakers_{index}")):
            name, _sep, summary = line.partition(":")
            member = by_name.get(name.strip().casefold())
            who = {"member_id": member} if member else {"name": name.strip()}
            speakers.append({**who, "summary": summary.strip() or "Phát biểu ý kiến."})
        contents.append({"heading": heading or f"Nội dung {index}", "text": text, "speakers": speakers})
    votes = None
    if form.get("votes_for", "").strip():
        votes = {"for": form.get("votes_for"), "against": form.get("votes_against") or 0,
                 "abstain": form.get("votes_abstain") or 0}
    return {
        "organization_id": org_id, "kind": form.get("kind"), "date": day.isoformat(),
        "start_time": form.get("start_time"), "end_time": form.get("end_time"), "location": form.get("location"),
        "chair_id": form.get("chair_id") or None, "minute_taker_id": form.get("minute_taker_id") or None,
        "attendance": [{"member_id": m.member_id, "status": form.get(f"status_{m.member_id}", "present"),
                        "reason": form.get(f"reason_{m.member_id}", "").strip() or None} for m in members],
        "guests": _lines(form.get("guests")), "topic": form.get("topic", "").strip() or None,
        "contents": contents, "conclusion": form.get("conclusion", "").strip(), "votes": votes,
        "confidentiality": form.get("confidentiality") or "thuong",
        "minutes_read_back": form.get("minutes_read_back") == "1",
    }


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_page(meeting_id: int):
    policy.require(g.principal, "meeting.read")
    with current_services().catalogue.reader() as session:
        meeting = policy.get_visible(session, Meeting, meeting_id, g.principal)
        attendance = [(a.full_name, a.attendance, a.reason) for a in meeting.attendance]
        organization = meeting.organization.name
        documents = list(session.scalars(policy.visible(Document, g.principal).where(
            Document.meeting_id == meeting.id).order_by(Document.id)))
        session.expunge_all()
    audit_read("meeting.view", meeting)
    return render_template("meeting.html", meeting=meeting, attendance=attendance, organization=organization,
                           documents=documents, statuses=STATUSES, kinds=KINDS, form=EmptyForm(),
                           may_write=policy.may(g.principal, "meeting.write"))


@bp.post("/meetings/<int:meeting_id>/<any(minutes, resolution):which>")
@login_required
def make_document(meeting_id: int, which: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn; vui lòng thử lại."), "warning")
        return redirect(url_for("secretary.meeting_page", meeting_id=meeting_id))
    svc = current_services()
    fields = {"tasks": _lines(request.form.get("tasks"))} if which == "resolution" else {}
    try:
        document = generate_for_meeting(meeting_id, which, fields, g.principal, catalogue=svc.catalogue,
                                        blobs=svc.blobs, converter=svc.converter, templates=svc.templates,
                                        rules=svc.rules, sandbox=svc.sandbox)
    except DocserviceError as exc:
        if exc.status in (403, 404):
            raise
        flash(_(exc.detail) + (" " + "; ".join(exc.errors.values()) if exc.errors else ""), "warning")
        return redirect(url_for("secretary.meeting_page", meeting_id=meeting_id))
    flash((_("Đã tạo biên bản số %(number)s.", number=document.number) if which == "minutes"
           else _("Đã tạo nghị quyết số %(number)s.", number=document.number)), "info")
    return redirect(url_for("secretary.document_page", document_id=document.id))


@bp.get("/documents/<int:document_id>")
@login_required
def document_page(document_id: int):
    with current_services().catalogue.reader() as session:
        document = policy.get_visible(session, Document, document_id, g.principal)
        organization = session.get(Organization, document.organization_id).name
        session.expunge_all()
    audit_read("document.view", document)
    return render_template("document.html", document=document, organization=organization,
                           doc_types=doc_type_names(), may_file=policy.may(g.principal, "record.create"))


@bp.get("/documents/<int:document_id>/<any(docx, pdf):kind>")
@login_required
def document_file(document_id: int, kind: str):
    svc = current_services()
    with svc.catalogue.reader() as session:
        document = policy.get_visible(session, Document, document_id, g.principal)
    audit_read(f"document.download.{kind}", document)
    digest = document.docx_sha256 if kind == "docx" else document.pdf_sha256
    inline = kind == "pdf" and request.args.get("xem") == "1"
    response = send_file(svc.blobs.open(digest), mimetype=MIME[kind], as_attachment=not inline,
                         download_name=f"{document.number.replace('/', '-')}.{kind}", etag=digest, max_age=0)
    if inline:  # shown in the document page's preview frame, on this site only
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"  # the browser's PDF viewer may run
    return response
