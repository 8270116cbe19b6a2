"""As a secretary: a report from its template's form — errors beside the fields, then the numbered PDF."""

import subprocess

from tests.browser.test_reader import _sign_in


def test_secretary_writes_a_report_from_the_template_form(live_server, browser_context, shot, world, tmp_path):
    page = browser_context.new_page()
    _sign_in(page, live_server, "thuky.dong")
    page.get_by_role("link", name="Tạo văn bản").click()
    page.get_by_role("link", name="Báo cáo").first.click()
    page.wait_for_selector("h1")
    page.get_by_label("Trích yếu").fill("tình hình thực hiện nhiệm vụ quý I năm 2026")
    page.get_by_role("button", name="Tạo văn bản").click()
    assert page.locator(".field.has-error").count() >= 2  # date and the signer are required
    assert page.get_by_label("Trích yếu").input_value() == "tình hình thực hiện nhiệm vụ quý I năm 2026"
    shot(page, "tao-bao-cao-loi")
    page.locator("[name=date]").fill("2026-03-31")
    page.locator("[name='sections.0.heading']").fill("I. KẾT QUẢ THỰC HIỆN")
    page.locator("[name='sections.0.text']").fill("Chi bộ hoàn thành các chỉ tiêu quý I.\nThu đảng phí đạt 100%.")
    page.locator("[name='sections.1.heading']").fill("II. NHIỆM VỤ QUÝ II")
    page.locator("[name='sections.1.text']").fill("Tiếp tục rà soát, sàng lọc đảng viên.")
    page.locator("[name=signer_name]").fill("Nguyễn Thị Hoà")
    page.get_by_role("button", name="Tạo văn bản").click()
    page.wait_for_selector("iframe.preview")
    number = page.locator("dl.facts dd").first.inner_text()
    assert number.endswith("-BC/CB")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    target = tmp_path / "bao-cao.pdf"
    download.value.save_as(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True, text=True).stdout
    assert "BÁO CÁO" in text and "Thu đảng phí đạt 100%." in text and "II. NHIỆM VỤ QUÝ II" in text
    shot(page, "bao-cao")
