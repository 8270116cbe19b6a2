"""As an archivist: import a scanner's folder from a page, watch it finish, and work the review queue."""

import pytest

from docservice.jobs.worker import run_one
from tests.browser.test_reader import _sign_in
from tests.conftest import make_settings
from tests.historical import write_folder


@pytest.fixture
def settings(tmp_path, database_url):
    root = tmp_path / "nhap"
    root.mkdir()
    return make_settings(tmp_path, database_url, import_root=root)


def test_archivist_imports_a_folder_and_reviews_the_unclear_records(live_server, browser_context, shot, world,
                                                                     svc, settings):
    write_folder(settings.import_root / "may-quet" / "2024", 6, unreadable=2)
    page = browser_context.new_page()
    _sign_in(page, live_server, "luutru")
    page.get_by_role("link", name="Nhập hàng loạt").click()
    page.get_by_label("Thư mục trên máy chủ").fill("../etc")
    page.get_by_role("button", name="Bắt đầu nhập").click()
    assert page.locator(".field.has-error").count() == 1
    page.get_by_label("Thư mục trên máy chủ").fill("may-quet/2024")
    page.get_by_role("button", name="Bắt đầu nhập").click()
    page.wait_for_selector("h1:has-text('Lần nhập số')")
    assert "đang chờ" in page.locator("main").inner_text()
    assert run_one(svc)  # the job worker's turn
    page.reload()
    assert "xong" in page.locator("main").inner_text()
    assert "Cần xem lại (2)" in page.locator("ul.tabs").inner_text()
    shot(page, "nhap-hang-loat")
    page.get_by_role("link", name="Xem lại 2 hồ sơ").click()
    assert page.locator("table.list tbody tr").count() == 2
    shot(page, "hang-cho-xem-lai")
    page.get_by_role("link", name="Xem lại", exact=True).first.click()
    page.get_by_label("Loại văn bản").select_option("bao_cao")
    page.get_by_label("Trích yếu").fill("Báo cáo tình hình thôn Tây năm 2024")
    page.get_by_label("Ngày văn bản").fill("2024-06-30")
    page.get_by_label("Ghi chú (lý do sửa)").fill("Đọc bản giấy")
    shot(page, "xem-lai")
    page.get_by_role("button", name="Xác nhận thông tin").click()
    assert "rời hàng chờ" in page.locator(".flash").inner_text()
    assert page.locator("table.list tbody tr").count() == 1
