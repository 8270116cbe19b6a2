"""The ``docservice`` command: thin click commands over the services."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import click

from docservice.config import Settings
from docservice.db.models import Clearance, Role
from docservice.errors import DocserviceError
from docservice.services import Services


def _services() -> Services:
    try:
        return Services.build(Settings())
    except ValueError as exc:
        raise click.ClickException(f"Cấu hình không hợp lệ: {exc}") from exc


def _fail(error: DocserviceError) -> None:
    raise click.ClickException(error.detail + (f" {error.errors}" if error.errors else ""))


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Ghi nhật ký chi tiết.")
def main(verbose: bool) -> None:
    """docservice — hồ sơ, văn bản và lưu trữ của tổ chức đảng."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def initialise(services: Services, *, demo: bool) -> list[str]:
    """Create or upgrade the catalogue, blob store and index; optionally load the demo data."""
    from docservice.db.migrate import upgrade
    from docservice.registry.demo import DEMO_PASSWORD, load_demo
    from docservice.search.indexer import rebuild

    upgrade(services.catalogue.engine)
    (services.settings.archive_dir / "files").mkdir(parents=True, exist_ok=True)
    lines = []
    if demo:
        with services.catalogue.session() as session:
            users = load_demo(session)
        lines = [f"  {u.username:<12} {u.role.value:<10} mật khẩu: {DEMO_PASSWORD}  ({u.full_name})"
                 for u in users]
    if services.search_index.needs_rebuild():
        rebuild(services.catalogue, services.search_index)
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
def serve(host: str, port: int, workers: int) -> None:
    """Chạy máy chủ web, bộ lập chỉ mục và bộ xử lý công việc nền."""
    from docservice.serve import children, supervise

    initialise(_services(), demo=False)
    click.echo(f"docservice: http://{host}:{port}/  (Ctrl-C để dừng)")
    supervise(children(host, port, workers))


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
    run_forever(services.catalogue, services.search_index,
                poll_seconds=services.settings.indexer_poll_seconds, should_stop=lambda: flag[0])


@main.command()
def converter() -> None:
    """Chạy riêng bộ chuyển PDF (các LibreOffice chạy sẵn, dùng chung qua socket cục bộ)."""
    from docservice.generation.pool import ConverterPool, PoolServer

    settings = Settings()
    unoserver = str(Path(settings.unoserver).resolve()) if "/" in settings.unoserver else settings.unoserver
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
def check_layout_command(file: Path, as_json: bool) -> None:
    """Kiểm tra thể thức FILE.docx theo quy định áp dụng cho ngày của văn bản; mã thoát 1 nếu có sai lệch."""
    import json

    from docservice.generation.layout_check import check_layout
    from docservice.rules import RuleBook

    settings = Settings()
    try:
        report = check_layout(file.read_bytes(), RuleBook.load(settings.rule_overrides))
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
    from docservice.registry.organizations import by_code, root
    from docservice.registry.users import create_user

    if password_file:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    services = _services()
    try:
        with services.catalogue.session() as session:
            org = by_code(session, org_code) if org_code else root(session)
            if org is None:
                raise click.ClickException(
                    f"Không có tổ chức mã {org_code!r}." if org_code else "Chưa có tổ chức nào; chạy init trước.")
            create_user(session, username=name, password=password, role=Role(role), organization=org,
                        clearance=Clearance[clearance], full_name=full_name)
    except DocserviceError as exc:
        _fail(exc)
    click.echo(f"Đã thêm người dùng {name} ({role}, {org.name}, mức xem {Clearance[clearance].label}).")


@main.group()
def audit() -> None:
    """Nhật ký kiểm tra (audit)."""


@audit.command("verify")
def audit_verify() -> None:
    """Kiểm tra chuỗi băm của nhật ký; mã thoát 1 tại mắt xích hỏng đầu tiên."""
    from docservice.security.audit import first_broken_link

    with _services().catalogue.reader() as session:
        broken = first_broken_link(session)
    if broken is not None:
        click.echo(f"Chuỗi nhật ký bị hỏng tại sự kiện số {broken}.", err=True)
        sys.exit(1)
    click.echo("Chuỗi nhật ký nguyên vẹn.")


if __name__ == "__main__":
    main()
