"""The committee's overview at scale: a đảng bộ with 50 chi bộ × 25 members × 5 years of meetings.

Data (written straight into a fresh catalogue): each chi bộ meets monthly (some late, some months missed),
holds a thematic meeting each quarter, and every meeting has the attendance of all its members (exempted,
away, excused and unexcused absences mixed in); half the meetings have their minutes as a document. Then,
through the HTTP API as the đảng bộ's reader (the Flask test client, so without the network), it times:

- ``statistics``: ``GET /organizations/{root}/statistics`` over the five years (the whole subtree);
- ``statistics 1y``: the same over the last year;
- ``register``: ``GET /organizations/{cell}/register?year=`` for a chi bộ;
- ``member``: ``GET /members/{id}/attendance`` over the five years.

Run: ``.venv/bin/python bench/overview.py`` (``--postgres URL`` for PostgreSQL, ``--cells``, ``--years``,
``--runs``). Target from the issue: p95 ≤ 300 ms for the subtree overview. Measurements, not tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/http.py would shadow the standard library's http package: the project root replaces this folder
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from sqlalchemy import create_engine, insert, make_url, text  # noqa: E402

from docservice.db.models import (  # noqa: E402
    Document,
    Meeting,
    MeetingAttendance,
    Member,
    MemberStatus,
    OrgKind,
    Position,
    Temporary,
    Term,
    User,
)


def build(svc, cells: int, years: int, seed: int = 7) -> dict[str, int]:
    """Write the đảng bộ into the catalogue; ids the timings need."""
    from docservice.registry.organizations import create_organization
    from docservice.security.passwords import hash_password

    rng = random.Random(seed)
    first_year = dt.date.today().year - years
    with svc.catalogue.session() as session:
        root = create_organization(session, code="db-bench", kind=OrgKind.dang_bo_co_so, name="Đảng bộ thử tải",
                                   superior_name="Đảng bộ tỉnh", place="Thử tải")
        orgs = [create_organization(session, code=f"cb-bench-{i}", kind=OrgKind.chi_bo, name=f"Chi bộ số {i + 1}",
                                    parent=root, superior_name="Đảng bộ thử tải", place="Thử tải")
                for i in range(cells)]
        session.add(User(username="bench.reader", password_hash=hash_password("BenchReader2026x"),
                         role="reader", organization_id=root.id))
        session.flush()
        terms = {}
        for org in orgs:
            term = Term(organization_id=org.id, name="Nhiệm kỳ thử", start_date=dt.date(first_year, 1, 1))
            session.add(term)
            session.flush()
            terms[org.id] = term.id
        member_rows = []
        for org in orgs:
            for n in range(25):
                member_rows.append({
                    "organization_id": org.id, "full_name": f"Đảng viên {org.id}-{n}", "position": Position.dang_vien,
                    "status": MemberStatus.du_bi if n >= 22 else MemberStatus.chinh_thuc, "exempted": n in (0, 1),
                    "temporary": Temporary.di if n == 2 else None, "suspended": False,
                    "admitted_on": dt.date(first_year + years - 1, 1 + n % 12, 10) if n >= 22 else None})
        session.execute(insert(Member), member_rows)
        members = {}
        for member_id, org_id in session.execute(text("SELECT id, organization_id FROM members")):
            members.setdefault(org_id, []).append(member_id)
        meeting_id = session.execute(text("SELECT COALESCE(MAX(id), 0) FROM meetings")).scalar() + 1
        meetings, attendance, documents = [], [], []
        chair = {org.id: members[org.id][3] for org in orgs}
        for org in orgs:
            sequence = 0
            for year in range(first_year, first_year + years):
                for month in range(1, 13):
                    days = [] if rng.random() < 0.05 else [7 + (rng.random() < 0.1) * 5]
                    if month % 3 == 2:
                        days.append(20)
                    for day in days:
                        when = dt.date(year, month, day)
                        kind = "chuyen_de" if day == 20 else "thuong_ky"
                        meetings.append({
                            "id": meeting_id, "organization_id": org.id, "kind": kind, "date": when,
                            "start_time": dt.time(19, 30), "end_time": dt.time(21, 30), "location": "Hội trường",
                            "chair_id": chair[org.id], "minute_taker_id": chair[org.id], "signer_id": chair[org.id],
                            "guests": [], "contents": [], "conclusion": "Thống nhất.", "other_votes": [],
                            "profile": "2018", "figures": {}, "confidentiality": 0})
                        for n, member in enumerate(members[org.id]):
                            status = rng.choices(["present", "absent_excused", "absent_unexcused"], [88, 9, 3])[0]
                            attendance.append({
                                "meeting_id": meeting_id, "member_id": member, "full_name": f"Đảng viên {member}",
                                "attendance": "absent_excused" if n == 2 else status, "reason": None,
                                "status": MemberStatus.du_bi if n >= 22 else MemberStatus.chinh_thuc,
                                "exempted": n in (0, 1), "temporary": Temporary.di if n == 2 else None,
                                "suspended": False, "position": Position.dang_vien})
                        if kind == "thuong_ky" and rng.random() < 0.5:
                            sequence += 1
                            documents.append({
                                "template": "bien-ban-sinh-hoat-chi-bo", "template_version": "1",
                                "organization_id": org.id, "doc_type": "bien_ban", "term_id": terms[org.id],
                                "sequence": sequence, "number": f"{sequence:02d}-BB/CB", "title": "Biên bản",
                                "date": when, "confidentiality": 0, "profile": "2018", "fields": {},
                                "docx_sha256": "0" * 64, "pdf_sha256": "0" * 64, "meeting_id": meeting_id})
                        meeting_id += 1
        for table, rows in ((Meeting, meetings), (MeetingAttendance, attendance), (Document, documents)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start:start + 5000])
    with svc.catalogue.engine.connect() as connection:  # planner statistics, as autovacuum would gather them
        connection.execute(text("ANALYZE"))
        connection.commit()
    return {"root": root.id, "cell": orgs[0].id, "member": members[orgs[0].id][10], "meetings": len(meetings),
            "attendance": len(attendance), "documents": len(documents), "first_year": first_year}


def timed(client, headers, url: str, runs: int) -> list[float]:
    client.get(url, headers=headers)  # warm: caches, the query plan
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgres", help="PostgreSQL URL (a database of its own is created there, then dropped)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-overview-"))
    os.environ.update(DOCSERVICE_ARCHIVE_DIR=str(work / "archive"), DOCSERVICE_SEARCH_DIR=str(work / "search"))
    server = None
    if args.postgres:
        server = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"bench_overview_{os.getpid()}"
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        os.environ["DOCSERVICE_DATABASE_URL"] = make_url(args.postgres).set(database=name).render_as_string(
            hide_password=False)
    try:
        run(args)
    finally:
        if server is not None:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(args: argparse.Namespace) -> None:
    from docservice import create_app
    from docservice.cli import initialise

    app = create_app()
    svc = app.extensions["docservice"]
    initialise(svc, demo=False)
    start = time.perf_counter()
    ids = build(svc, args.cells, args.years)
    print(f"{args.cells} chi bộ × {args.years} years: {ids['meetings']:,} meetings, {ids['attendance']:,} attendance "
          f"rows, {ids['documents']:,} minutes; written in {time.perf_counter() - start:.1f} s "
          f"({svc.catalogue.engine.dialect.name})")
    client = app.test_client()
    gc.collect()
    gc.freeze()  # as docservice.wsgi does once the worker has started
    token = client.post("/api/v1/auth/token", json={"username": "bench.reader", "password": "BenchReader2026x"})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    last = dt.date.today().year - 1
    cases = {
        "statistics 5y": f"/api/v1/organizations/{ids['root']}/statistics?from={ids['first_year']}-01-01"
                         f"&to={last}-12-31",
        "statistics 1y": f"/api/v1/organizations/{ids['root']}/statistics?from={last}-01-01&to={last}-12-31",
        "register": f"/api/v1/organizations/{ids['cell']}/register?year={last}",
        "member": f"/api/v1/members/{ids['member']}/attendance?from={ids['first_year']}-01-01&to={last}-12-31",
    }
    print(f"{'case':<16}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, url in cases.items():
        times = sorted(timed(client, headers, url, args.runs))
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(f"{name:<16}{statistics.median(times):>9.0f}{p95:>9.0f}{times[-1]:>9.0f}")


if __name__ == "__main__":
    main()
