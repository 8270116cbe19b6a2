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


def test_metadata_read_from_the_file_prefills_the_form(live_server, browser_context, world, svc, tmp_path):
    from tests.builders import text_pdf

    paper = text_pdf("ĐẢNG BỘ XÃ TÂN LẬP          ĐẢNG CỘNG SẢN VIỆT NAM\n"
                     "CHI BỘ THÔN ĐÔNG\n"
                     "Số 09-NQ/CB          Tân Lập, ngày 12 tháng 3 năm 2025\n"
                     "NGHỊ QUYẾT\n"
                     "về công tác phát triển đảng viên năm 2025\n"
                     "Chi bộ thống nhất kết nạp hai quần chúng ưu tú.")
    (tmp_path / "quet.pdf").write_bytes(paper)
    page = browser_context.new_page()
    _sign_in(page, live_server, "luutru")
    page.goto(f"{live_server}/records/new")
    page.get_by_label("Tệp PDF").set_input_files(str(tmp_path / "quet.pdf"))
    page.get_by_role("button", name="Đọc thông tin từ tệp").click()
    assert "Đã đọc thông tin từ tệp quet.pdf" in page.locator("main").inner_text()
    assert page.get_by_label("Số, ký hiệu").input_value() == "09-NQ/CB"
    assert page.get_by_label("Ngày văn bản").input_value() == "2025-03-12"
    assert page.get_by_label("Loại văn bản").input_value() == "nghi_quyet"
    assert "phát triển đảng viên" in page.get_by_label("Trích yếu").input_value()
    page.get_by_label("Tổ chức ban hành").select_option(label="Chi bộ Thôn Đông")
    page.get_by_role("button", name="Lưu trữ", exact=True).click()  # the file waited on the server
    page.wait_for_selector(".verdicts, .card h2#chu-ky")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Nghị quyết về công tác phát triển")
    assert not list(svc.upload_dir.glob("pending-*.pdf"))
