"""The ``docservice`` command: thin click commands over the services."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from docservice.config import Settings
from docservice.db.models import Clearance, Role
from docservice.errors import DocserviceError
from docservice.services import Services

SYSTEM = "cli"  # the user name the command line writes into the audit trail


def _services() -> Services:
    """The engines for one command; the database connections close when the command ends."""
    try:
        services = Services.build(Settings())
    except ValueError as exc:
        raise click.ClickException(f"Cấu hình không hợp lệ: {exc}") from exc
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(services.catalogue.dispose)
    return services


def _fail(error: DocserviceError) -> None:
    raise click.ClickException(error.detail + (f" {error.errors}" if error.errors else ""))


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Ghi nhật ký chi tiết.")
def main(verbose: bool) -> None:
    """docservice — hồ sơ, văn bản và lưu trữ của tổ chức đảng."""
    from docservice import logs

    logs.configure(logging.INFO if verbose or os.environ.get("DOCSERVICE_LOG_FORMAT") == "json" else logging.WARNING,
                   json_lines=os.environ.get("DOCSERVICE_LOG_FORMAT") == "json")


def initialise(services: Services, *, demo: bool) -> list[str]:
    """Create or upgrade the catalogue, blob store and index; optionally load the demo data."""
    from docservice.db.migrate import upgrade
    from docservice.demo import DEMO_PASSWORD, load_demo
    from docservice.search.indexer import rebuild

    upgrade(services.catalogue.engine)
    (services.settings.archive_dir / "files").mkdir(parents=True, exist_ok=True)
    lines = []
    if demo:
        with services.catalogue.session() as session:
            users = load_demo(session, services.rules)
        lines = [f"  {u.username:<12} {u.role.value:<10} mật khẩu: {DEMO_PASSWORD}  ({u.full_name})"
                 for u in users]
    if services.search_index.needs_rebuild():
        rebuild(services.catalogue, services.search_index)
    services.write_audit_checkpoint()
    return lines


@main.command()
@click.option("--demo", is_flag=True, help="Thêm tổ chức, đảng viên và người dùng mẫu (chạy lại an toàn).")
def init(demo: bool) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu, kho tệp và chỉ mục tìm kiếm."""
    services = _services()
    lines = initialise(services, demo=demo)
    click.echo(f"Kho lưu trữ: {services.settings.archive_dir}")
    click.echo(f"Chỉ mục tìm kiếm: {services.settings.search_dir}")
    if lines:
        click.echo("Tài khoản mẫu:")
        click.echo("\n".join(lines))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Số yêu cầu mỗi tiến trình web phục vụ cùng lúc.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Chạy máy chủ web, bộ lập chỉ mục và bộ xử lý công việc nền."""
    from docservice.serve import children, supervise

    services = _services()
    with _singleton(services, "serve", exit_code=1):
        initialise(services, demo=False)
        click.echo(f"docservice: http://{host}:{port}/  (Ctrl-C để dừng)")
        supervise(children(host, port, workers, threads))


@contextmanager
def _singleton(services: Services, name: str, *, exit_code: int | None = None) -> Iterator[None]:
    """The archive's lock for ``name`` held while the block runs; another holder ends this command."""
    from docservice.serve import ALREADY_RUNNING
    from docservice.services import AlreadyRunning

    try:
        with services.singleton(name):
            yield
    except AlreadyRunning as exc:
        click.echo(str(exc), err=True)
        sys.exit(ALREADY_RUNNING if exit_code is None else exit_code)


def _stop_flag() -> list[bool]:
    flag = [False]

    def stop(_signum: int, _frame: object) -> None:
        flag[0] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return flag


@main.command()
def indexer() -> None:
    """Chạy riêng bộ lập chỉ mục (đọc hàng đợi outbox vào chỉ mục tìm kiếm)."""
    from docservice.search.indexer import run_forever

    services = _services()
    flag = _stop_flag()
    with _singleton(services, "indexer"):
        run_forever(services.catalogue, services.search_index,
                    poll_seconds=services.settings.indexer_poll_seconds, should_stop=lambda: flag[0])


@main.command()
def converter() -> None:
    """Chạy riêng bộ chuyển PDF (các LibreOffice chạy sẵn, dùng chung qua socket cục bộ)."""
    from docservice.generation.pool import ConverterPool, PoolServer

    settings = Settings()
    unoserver = settings.unoserver
    if "/" in unoserver and not Path(unoserver).is_absolute():
        # relative to the working directory, else to the checkout this package runs from (make's .venv-uno)
        here, checkout = Path(unoserver).resolve(), Path(__file__).resolve().parents[1] / unoserver
        unoserver = str(here if here.exists() or not checkout.exists() else checkout)
    pool = ConverterPool(slots=settings.converter_slots or os.cpu_count() or 1, unoserver=unoserver,
                         timeout=settings.convert_timeout, max_queue=settings.converter_queue,
                         restart_after=settings.converter_restart_after)
    pool.start()
    server = PoolServer(settings.pool_socket, pool)

    def stop(_signum: int, _frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"docservice: bộ chuyển PDF {len(pool.slots)} LibreOffice tại {settings.pool_socket}", err=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        settings.pool_socket.unlink(missing_ok=True)
        pool.stop()


@main.command()
def worker() -> None:
    """Chạy riêng bộ xử lý công việc nền."""
    from docservice.jobs.worker import run_forever

    services = _services()
    flag = _stop_flag()
    with _singleton(services, "worker"):
        run_forever(services, should_stop=lambda: flag[0])


@main.command()
@click.option("--if-needed", is_flag=True, help="Chỉ dựng lại khi chỉ mục thiếu hoặc khác phiên bản.")
def reindex(if_needed: bool) -> None:
    """Dựng lại chỉ mục tìm kiếm từ kho lưu trữ."""
    from docservice.search.indexer import count_records, rebuild

    services = _services()
    if if_needed and not services.search_index.needs_rebuild():
        click.echo("Chỉ mục đã đúng phiên bản; không cần dựng lại.")
        return
    with click.progressbar(length=count_records(services.catalogue), label="Đang lập chỉ mục",
                           show_eta=True, show_pos=True) as bar:
        total = rebuild(services.catalogue, services.search_index, progress=bar.update)
    click.echo(f"Đã lập chỉ mục {total} hồ sơ.")


@main.command("check-layout")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--no-pdf", is_flag=True, help="Chỉ kiểm tra tệp .docx, không chuyển sang PDF để kiểm tra trang in.")
def check_layout_command(file: Path, as_json: bool, no_pdf: bool) -> None:
    """Kiểm tra thể thức FILE.docx theo quy định áp dụng cho ngày của văn bản, và các trang in của nó (chuyển sang
    PDF bằng LibreOffice); FILE.pdf: chỉ kiểm tra các trang in. Mã thoát 1 nếu có sai lệch."""
    import json

    from docservice.generation.convert import LibreOfficeConverter
    from docservice.generation.layout_check import LayoutReport, add_printed, check_layout
    from docservice.rules import RuleBook

    settings = Settings()
    rules = RuleBook.load(settings.rule_overrides)
    data = file.read_bytes()
    try:
        if data.startswith(b"%PDF-"):
            report = add_printed(LayoutReport(), data, rules)
        else:
            report = check_layout(data, rules)
            if not no_pdf:
                converter = LibreOfficeConverter(soffice=settings.soffice, timeout=settings.convert_timeout)
                add_printed(report, converter.convert(data), rules)
    except DocserviceError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps({"profile": report.profile, "date": report.date and report.date.isoformat(),
                               "number": report.number, "ok": report.ok,
                               "deviations": [d.__dict__ for d in report.deviations]}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{file.name}: số {report.number or '?'}, ngày {report.date or '?'}, "
                   f"quy định {report.profile or '?'}")
        for deviation in report.deviations:
            click.echo(f"  ✗ [{deviation.code}] {deviation.message}")
        click.echo("  ✓ Đúng thể thức." if report.ok else f"  {len(report.deviations)} sai lệch.")
    if not report.ok:
        sys.exit(1)


@main.group()
def user() -> None:
    """Quản lý người dùng."""


def _read_password(password_file: Path | None) -> str:
    if password_file:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


def _org_or_fail(session, org_code: str | None):
    from docservice.registry.organizations import by_code, root

    org = by_code(session, org_code) if org_code else root(session)
    if org is None:
        raise click.ClickException(
            f"Không có tổ chức mã {org_code!r}." if org_code else "Chưa có tổ chức nào; chạy init trước.")
    return org


def _user_or_fail(session, name: str):
    from sqlalchemy import select

    from docservice.db.models import User

    found = session.scalar(select(User).where(User.username == name))
    if found is None:
        raise click.ClickException(f"Không có người dùng {name!r}.")
    return found


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_code", help="Mã tổ chức (mặc định: tổ chức gốc).")
@click.option("--clearance", default="thuong", show_default=True,
              type=click.Choice([c.name for c in Clearance]))
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--full-name", help="Họ và tên.")
def user_add(name: str, role: str, org_code: str | None, clearance: str, password_file: Path | None,
             full_name: str | None) -> None:
    """Thêm người dùng NAME."""
    from docservice.registry.users import create_user

    password = _read_password(password_file)
    services = _services()
    try:
        with services.catalogue.session() as session:
            org = _org_or_fail(session, org_code)
            create_user(session, username=name, password=password, role=Role(role), organization=org,
                        clearance=Clearance[clearance], full_name=full_name, by=SYSTEM)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã thêm người dùng {name} ({role}, {org.name}, mức xem {Clearance[clearance].label}).")


@user.command("list")
def user_list() -> None:
    """Liệt kê người dùng: vai trò, tổ chức, mức xem, trạng thái."""
    from sqlalchemy import select

    from docservice.db.models import User
    from docservice.registry.users import is_locked

    with _services().catalogue.reader() as session:
        for row in session.scalars(select(User).order_by(User.username)):
            state = "đã khóa" if not row.active else ("tạm khóa" if is_locked(row) else "hoạt động")
            click.echo(f"{row.username:<16} {row.role.value:<10} {row.organization.code:<12} "
                       f"{row.clearance.name:<10} {state}")


@user.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_code", help="Mã tổ chức mới.")
@click.option("--clearance", type=click.Choice([c.name for c in Clearance]))
@click.option("--full-name")
@click.option("--active/--inactive", default=None, help="Mở hoặc khóa hẳn tài khoản (khóa thì thu hồi token).")
def user_set(name: str, role: str | None, org_code: str | None, clearance: str | None, full_name: str | None,
             active: bool | None) -> None:
    """Đổi vai trò, tổ chức, mức xem, họ tên hoặc trạng thái của người dùng NAME."""
    from docservice.registry.users import update_user

    with _services().catalogue.session() as session:
        target = _user_or_fail(session, name)
        changes: dict = {}
        if role:
            changes["role"] = Role(role)
        if org_code:
            changes["organization"] = _org_or_fail(session, org_code)
        if clearance:
            changes["clearance"] = Clearance[clearance]
        if full_name:
            changes["full_name"] = full_name
        if active is not None:
            changes["active"] = active
        changed = update_user(session, target, changes, by=SYSTEM)
    click.echo(f"Đã cập nhật {name}: {', '.join(changed)}." if changed else "Không có gì thay đổi.")


@user.command("password")
@click.argument("name")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def user_password(name: str, password_file: Path | None) -> None:
    """Đặt lại mật khẩu của NAME (thu hồi mọi token, mở khóa)."""
    from docservice.registry.users import set_password

    password = _read_password(password_file)
    try:
        with _services().catalogue.session() as session:
            set_password(session, _user_or_fail(session, name), password, by=SYSTEM)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã đặt lại mật khẩu của {name}.")


@user.command("unlock")
@click.argument("name")
def user_unlock(name: str) -> None:
    """Mở khóa tài khoản NAME đang tạm khóa do sai mật khẩu nhiều lần."""
    from docservice.registry.users import unlock

    with _services().catalogue.session() as session:
        unlock(session, _user_or_fail(session, name), by=SYSTEM)
    click.echo(f"Đã mở khóa {name}.")


@user.command("revoke-tokens")
@click.argument("name")
def user_revoke_tokens(name: str) -> None:
    """Thu hồi mọi token API đang dùng của NAME."""
    from docservice.registry.users import revoke_tokens

    with _services().catalogue.session() as session:
        revoked = revoke_tokens(session, _user_or_fail(session, name), by=SYSTEM)
    click.echo(f"Đã thu hồi {revoked.tokens} token và kết thúc {revoked.sessions} phiên đăng nhập web của {name}.")



def _system_principal(services: Services):
    """The command line acts as the installation's operator: the whole tree, every clearance."""
    from docservice.db.models import Clearance, Role
    from docservice.registry.organizations import root
    from docservice.security.policy import Principal

    with services.catalogue.reader() as session:
        top = root(session)
    if top is None:
        raise click.ClickException("Chưa có tổ chức nào; chạy docservice init trước.")
    return Principal(None, SYSTEM, Role.admin, top.id, top.path, Clearance.tuyet_mat)


@main.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp CSV kê khai (cột: " + ", ".join(("file", "doc_type", "number", "date", "organization",
                                                         "title", "signer", "confidentiality", "stage")) + ").")
@click.option("--org", "org_code", help="Tổ chức mặc định cho tệp không đọc được nơi ban hành (mặc định: gốc).")
@click.option("--new", "fresh", is_flag=True, help="Bắt đầu lần nhập mới thay vì tiếp tục lần đang dở.")
def import_command(directory: Path, manifest: Path | None, org_code: str | None, fresh: bool) -> None:
    """Nhập hàng loạt tệp PDF trong DIRECTORY: không trùng (theo SHA-256), dừng giữa chừng rồi chạy lại được."""
    from docservice.archive import importer
    from docservice.registry.organizations import by_code
    from docservice.search.indexer import drain_once

    services = _services()
    principal = _system_principal(services)
    org_id = None
    if org_code:
        with services.catalogue.reader() as session:
            org = by_code(session, org_code)
        if org is None:
            raise click.ClickException(f"Không có tổ chức mã {org_code!r}.")
        org_id = org.id
    try:
        if manifest:
            importer.read_manifest(manifest)
        job = importer.prepare(services, directory, manifest, principal, organization_id=org_id, resume=not fresh)
        summary = _run_import(services, job, principal)
    except DocserviceError as exc:
        _fail(exc)
    while drain_once(services.catalogue, services.search_index):
        pass
    _print_summary(summary)


def _run_import(services: Services, job, principal):
    from docservice.archive import importer

    started, done = time.monotonic(), [0]

    def show(path: Path | None) -> str:
        rate = done[0] / max(time.monotonic() - started, 1e-6)
        return f"{rate:.1f} tệp/giây · {path.name[:40] if path else ''}"

    bar_holder: list = []

    def before(left: int) -> None:
        if job.progress or left != (job.total or left):
            click.echo(f"Tiếp tục lần nhập số {job.id}: còn {left} tệp.")
        bar_holder.append(click.progressbar(length=left, label="Đang nhập", show_eta=True, show_pos=True,
                                            item_show_func=show))
        bar_holder[0].__enter__()

    def progress(path: Path) -> None:
        done[0] += 1
        bar_holder[0].update(1, path)

    try:
        return importer.run(services, job.id, principal, progress=progress, before=before)
    finally:
        if bar_holder:
            bar_holder[0].__exit__(None, None, None)


def _print_summary(summary) -> None:
    labels = {"imported": "Đã nhập", "already_present": "Đã có sẵn", "needs_review": "Cần xem lại thông tin",
              "refused": "Bị từ chối"}
    click.echo(f"Lần nhập số {summary.job_id}:")
    for key, label in labels.items():
        click.echo(f"  {label}: {summary.counts[key]}")
    for refusal in summary.refusals:
        click.echo(f"  ✗ {refusal['file']}: {refusal['reason']}")
    click.echo(f"Báo cáo chi tiết (JSON): {summary.report}")


@main.command()
def fixity() -> None:
    """Băm lại mọi tệp đã lưu; mã thoát 1 và báo cáo khi có tệp thay đổi, thiếu, thừa hoặc ghi dở."""
    from docservice.archive.fixity import run_fixity

    services = _services()
    total = sum(1 for _ in services.blobs.digests())
    with click.progressbar(length=total, label="Kiểm tra toàn vẹn", show_eta=True, show_pos=True) as bar:
        report = run_fixity(services.catalogue, services.blobs, run_by=SYSTEM, progress=lambda d: bar.update(1))
    click.echo(f"Đã kiểm tra {report.checked} tệp (lần kiểm tra số {report.run_id}).")
    for digest in report.changed:
        click.echo(f"  ✗ THAY ĐỔI: {digest}" + (f" ({report.used_by[digest]})" if digest in report.used_by else ""))
    for entry in report.missing:
        click.echo(f"  ✗ THIẾU: {entry['sha256']} ({entry['needed_by']})")
    for digest in report.orphans:
        click.echo(f"  ✗ THỪA (không hồ sơ nào dùng): {digest}")
    for path in report.temporary:
        click.echo(f"  ✗ GHI DỞ: {path}")
    if not report.ok:
        if report.changed or report.missing:
            click.echo("Hãy chép lại các tệp bị thay đổi hoặc thiếu từ bản sao lưu gần nhất (thư mục files/ của bản "
                       "sao lưu, cùng tên mã băm), rồi chạy lại docservice fixity.")
        sys.exit(1)
    click.echo("Kho lưu trữ toàn vẹn.")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
def backup(out: Path) -> None:
    """Sao lưu nhất quán kho lưu trữ vào thư mục OUT (dịch vụ vẫn chạy được)."""
    from docservice.archive.backup import backup as make_backup

    services = _services()
    try:
        with click.progressbar(length=sum(1 for _ in services.blobs.digests()), label="Sao lưu tệp",
                               show_pos=True) as bar:
            manifest = make_backup(services, out, progress=lambda d: bar.update(1))
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã sao lưu cơ sở dữ liệu và {len(manifest['files'])} tệp vào {out}.")


@main.command()
@click.argument("source", metavar="IN", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore(source: Path) -> None:
    """Khôi phục bản sao lưu IN vào nơi lưu trữ trống: kiểm tra mọi mã băm rồi dựng lại chỉ mục."""
    from docservice.archive.backup import restore as restore_backup
    from docservice.db.migrate import upgrade
    from docservice.search.indexer import rebuild

    services = _services()
    try:
        with click.progressbar(length=0, label="Kiểm tra bản sao lưu") as bar:
            count = restore_backup(services, source, progress=lambda d: bar.update(1))
    except DocserviceError as exc:
        _fail(exc)
    services.catalogue.dispose()
    services = _services()
    upgrade(services.catalogue.engine)
    indexed = rebuild(services.catalogue, services.search_index)
    click.echo(f"Đã khôi phục {count} tệp; đã lập chỉ mục {indexed} hồ sơ.")
    for finding in services.verify_audit_trail():
        click.echo(f"Cảnh báo nhật ký: {finding}", err=True)


@main.group()
def retention() -> None:
    """Thời hạn bảo quản theo loại văn bản."""


@retention.command("list")
def retention_list() -> None:
    """Thời hạn bảo quản đang áp dụng cho từng loại văn bản."""
    from docservice.archive.retention import rules_in_force

    services = _services()
    with services.catalogue.reader() as session:
        schedule = rules_in_force(session, services.rules)
    for doc_type, (years, source) in sorted(schedule.items()):
        click.echo(f"  {doc_type:<24} {'vĩnh viễn' if years is None else f'{years} năm':<10} {source}")


@retention.command("set")
@click.argument("doc_type")
@click.option("--years", type=click.IntRange(1, 500))
@click.option("--permanent", is_flag=True)
def retention_set(doc_type: str, years: int | None, permanent: bool) -> None:
    """Đặt thời hạn bảo quản của DOC_TYPE: --years N (tính từ ngày văn bản) hoặc --permanent."""
    from docservice.archive.retention import set_rule

    if permanent == (years is not None):
        raise click.ClickException("Chọn đúng một trong --years N hoặc --permanent.")
    services = _services()
    try:
        with services.catalogue.session() as session:
            set_rule(session, doc_type, None if permanent else years, services.rules, SYSTEM)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"{doc_type}: {'vĩnh viễn' if permanent else f'{years} năm'}.")


@main.group()
def hold() -> None:
    """Tạm giữ hồ sơ (chặn mọi việc hủy, kể cả của quản trị)."""


@hold.command("add")
@click.argument("record_ids", nargs=-1, type=int, required=True)
@click.option("--reason", required=True, help="Lý do tạm giữ.")
def hold_add(record_ids: tuple[int, ...], reason: str) -> None:
    """Tạm giữ các hồ sơ RECORD_IDS."""
    from docservice.archive.retention import add_hold

    services = _services()
    try:
        with services.catalogue.session() as session:
            held = add_hold(session, list(record_ids), reason, SYSTEM)
            hold_id = held.id
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Lệnh tạm giữ số {hold_id}: {len(set(record_ids))} hồ sơ.")


@hold.command("release")
@click.argument("hold_id", type=int)
def hold_release(hold_id: int) -> None:
    """Bỏ lệnh tạm giữ HOLD_ID."""
    from docservice.archive.retention import release_hold

    services = _services()
    try:
        with services.catalogue.session() as session:
            release_hold(session, hold_id, SYSTEM)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã bỏ lệnh tạm giữ số {hold_id}.")


@main.command()
@click.argument("record_ids", nargs=-1, type=int)
@click.option("--execute", is_flag=True, help="Hủy thật các hồ sơ được nêu (mặc định chỉ liệt kê).")
@click.option("--reason", help="Căn cứ hủy (bắt buộc khi --execute).")
def dispose(record_ids: tuple[int, ...], execute: bool, reason: str | None) -> None:
    """Liệt kê hồ sơ hết thời hạn bảo quản; với --execute và danh sách số hồ sơ thì hủy đúng các hồ sơ đó."""
    import datetime as dt

    from docservice.archive.retention import dispose as dispose_records
    from docservice.archive.retention import eligible

    services = _services()
    today = dt.date.today()
    if not execute:
        with services.catalogue.reader() as session:
            found = eligible(session, services.rules, today)
        for item in found:
            click.echo(f"  {item.record_id:>6}  {item.date:%d/%m/%Y}  hết hạn {item.expired_on:%d/%m/%Y}  "
                       f"{item.doc_type}  {item.title[:60]}")
        click.echo(f"{len(found)} hồ sơ đủ điều kiện hủy. Hủy: docservice dispose --execute --reason \"…\" SỐ…")
        return
    if not record_ids or not reason:
        raise click.ClickException("Khi hủy phải nêu số hồ sơ và --reason.")
    try:
        done = dispose_records(services.catalogue, services.blobs, services.rules, list(record_ids), reason, SYSTEM,
                               today)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã hủy {len(done)} hồ sơ: {', '.join(map(str, done))}.")


@main.group()
def audit() -> None:
    """Nhật ký kiểm tra (audit)."""


@audit.command("verify")
def audit_verify() -> None:
    """Kiểm tra chuỗi băm có khóa của nhật ký và các điểm kiểm tra ngoài cơ sở dữ liệu; mã thoát 1 khi có sai lệch."""
    findings = _services().verify_audit_trail()
    for finding in findings:
        click.echo(finding, err=True)
    if findings:
        sys.exit(1)
    click.echo("Chuỗi nhật ký nguyên vẹn và khớp với các điểm kiểm tra.")


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Ghi một điểm kiểm tra (số sự kiện và mã băm cuối chuỗi, có chữ ký) vào tệp ngoài cơ sở dữ liệu."""
    point = _services().write_audit_checkpoint()
    click.echo(f"Điểm kiểm tra: {point.count} sự kiện, cuối là số {point.last_id}." if point
               else "Không có gì mới từ điểm kiểm tra trước.")


@audit.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Tệp CSV (mặc định: màn hình).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Từ ngày (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Đến hết ngày (YYYY-MM-DD).")
@click.option("--user", "username", help="Chỉ sự kiện của người dùng này.")
def audit_export(out: Path | None, date_from, date_to, username: str | None) -> None:
    """Xuất nhật ký ra CSV (UTF-8 có BOM, mở được bằng Excel), kèm mã băm của từng sự kiện."""
    from docservice.security.audit import AuditFilter, write_csv

    wanted = AuditFilter(date_from=date_from.date() if date_from else None,
                         date_to=date_to.date() if date_to else None, username=username)
    with _services().catalogue.reader() as session:
        if out is None:
            count = write_csv(session, wanted, sys.stdout)
        else:
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_csv(session, wanted, handle)
    if out is not None:
        click.echo(f"Đã xuất {count} sự kiện vào {out}.", err=True)


if __name__ == "__main__":
    main()
