"""As an archivist: upload the signed copy of a resolution and see its signature verdict; a bad file is
refused beside the field and nothing is stored."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from docservice.db.models import Record
from tests.browser.test_reader import _sign_in
from tests.builders import text_pdf
from tests.signing import authority, flip_inside_signed_range, sign


def _fill(page, title):
    page.get_by_label("Loại văn bản").select_option("nghi_quyet")
    page.get_by_label("Số, ký hiệu").fill("12-NQ/CB")
    page.get_by_label("Ngày văn bản").fill("2026-03-05")
    page.get_by_label("Trích yếu").fill(title)
    page.get_by_label("Tổ chức ban hành").select_option(label="Chi bộ Thôn Đông")
    page.get_by_label("Người ký").fill("Nguyễn Văn Hùng")


def test_archivist_files_a_signed_copy_and_sees_the_verdict(live_server, browser_context, shot, world, svc,
                                                             tmp_path):
    pdf = text_pdf("NGHỊ QUYẾT về công tác chuyển đổi số trong chi bộ năm 2026.")
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop; Playwright's holds this thread
        signed = pool.submit(lambda: sign(pdf, authority())).result()
    (tmp_path / "ban-ky.pdf").write_bytes(signed)
    (tmp_path / "sua.pdf").write_bytes(flip_inside_signed_range(signed))
    (tmp_path / "khong-phai.pdf").write_bytes("Đây không phải PDF".encode())
    page = browser_context.new_page()
    _sign_in(page, live_server, "luutru")
    page.get_by_role("link", name="Lưu trữ hồ sơ").click()

    _fill(page, "Nghị quyết về chuyển đổi số")
    page.get_by_label("Tệp PDF").set_input_files(str(tmp_path / "khong-phai.pdf"))
    page.get_by_role("button", name="Lưu trữ").click()
    assert page.locator("#file-error").is_visible()
    assert page.get_by_label("Trích yếu").input_value() == "Nghị quyết về chuyển đổi số"  # nothing typed is lost
    shot(page, "luu-tru-loi")
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count(Record.id))) == 0

    page.get_by_label("Tệp PDF").set_input_files(str(tmp_path / "ban-ky.pdf"))
    page.get_by_role("button", name="Lưu trữ").click()
    page.wait_for_selector(".verdict")
    assert page.get_by_role("heading", level=1).inner_text() == "Nghị quyết về chuyển đổi số"
    verdict = page.locator(".verdict").first
    assert "Chữ ký hợp lệ, tệp nguyên vẹn" in verdict.inner_text() and "Nguyễn Văn Hùng" in verdict.inner_text()
    assert "good" in verdict.get_attribute("class")
    shot(page, "luu-tru-chu-ky")

    page.get_by_role("link", name="Lưu trữ hồ sơ").click()
    _fill(page, "Bản bị sửa sau khi ký")
    page.get_by_label("Tệp PDF").set_input_files(str(tmp_path / "sua.pdf"))
    page.get_by_role("button", name="Lưu trữ").click()
    page.wait_for_selector(".verdict")
    assert "bad" in page.locator(".verdict").first.get_attribute("class")


def test_a_reader_may_not_file(live_server, browser_context, world):
    page = browser_context.new_page()
    _sign_in(page, live_server, "uyvien")
    assert page.get_by_role("link", name="Lưu trữ hồ sơ").count() == 0
    assert page.goto(f"{live_server}/records/new").status == 403
