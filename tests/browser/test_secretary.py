"""As a secretary: record a meeting from the cell's member list, see the computed figures, generate the
minutes and resolution, and download the PDF."""

import subprocess

from tests.browser.test_reader import _sign_in
from tests.builders import build_example_cell, person


def test_secretary_records_a_meeting_and_downloads_the_minutes(live_server, browser_context, shot, world, svc,
                                                                tmp_path):
    with svc.catalogue.session() as session:
        groups = build_example_cell(session, world.dong_id)
    page = browser_context.new_page()
    _sign_in(page, live_server, "thuky.dong")
    page.get_by_role("link", name="Ghi sinh hoạt").click()
    page.get_by_label("Ngày sinh hoạt").fill("2026-02-05")
    page.get_by_role("button", name="Lấy danh sách đảng viên").click()
    page.wait_for_selector("table.attendance")
    assert page.locator("table.attendance tbody tr").count() == 30
    # the form starts from what is known: the member active elsewhere is absent with that reason,
    # the secretary chairs and the deputy takes the minutes
    away = groups["di"][0]
    assert page.locator(f"select[name=status_{away}]").input_value() == "absent_excused"
    assert page.locator(f"input[name=reason_{away}]").input_value() == "Sinh hoạt tạm thời nơi khác"
    assert page.get_by_label("Chủ trì", exact=True).input_value() != page.get_by_label("Thư ký").input_value()

    page.get_by_label("Địa điểm").fill("Nhà văn hóa thôn Đông")
    page.get_by_label("Thư ký").select_option(label=person(4))
    excused, unexcused = groups["others"][5], groups["others"][6]
    page.locator(f"select[name=status_{excused}]").select_option("absent_excused")
    page.locator(f"input[name=reason_{excused}]").fill("Đi công tác")
    page.locator(f"select[name=status_{unexcused}]").select_option("absent_unexcused")
    for member, reason in ((groups["exempted"][1], "Miễn sinh hoạt, ốm dài ngày"),
                           (groups["di"][0], "Sinh hoạt tạm thời nơi khác")):
        page.locator(f"select[name=status_{member}]").select_option("absent_excused")
        page.locator(f"input[name=reason_{member}]").fill(reason)
    page.get_by_label("Tiêu đề").first.fill("Đánh giá kết quả tháng 01/2026")
    page.get_by_label("Nội dung", exact=True).first.fill("Chi bộ lãnh đạo hoàn thành nhiệm vụ tháng 01/2026.")
    page.get_by_label("Ý kiến phát biểu").first.fill(f"{person(3)}: Đề nghị tăng cường công tác dân vận.")
    page.get_by_label("Kết luận của chủ trì").fill("Thống nhất nội dung nghị quyết tháng 02/2026.")
    page.get_by_label("Tán thành", exact=True).fill("20")
    shot(page, "ghi-sinh-hoat")
    page.get_by_role("button", name="Ghi buổi sinh hoạt").click()
    page.wait_for_load_state()
    assert page.locator("#so-lieu").count() == 1, page.locator("main").inner_text()[:1500]
    figures = page.locator("section[aria-labelledby=so-lieu]").inner_text()
    # votes: 25 official − 1 away (di) − 1 exempted and absent − 1 excused = 22, passes with 12+;
    # quorum: the excused absence stays among those called (quorum.of = members_called): 21 of 23, 2/3 → 16
    assert "Đảng viên được tính để biểu quyết\n22 (có mặt 21)" in figures, figures
    assert "Có mặt 21/23 đảng viên chính thức phải triệu tập, cần ít nhất 16" in figures, figures
    assert "— đủ" in figures and "Tán thành 20/22, cần 12 — thông qua" in figures
    shot(page, "so-lieu-sinh-hoat")

    page.get_by_role("button", name="Tạo biên bản").click()
    page.wait_for_selector("iframe.preview")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Biên bản")
    assert "01-BB/CB" in page.locator("dl.facts").inner_text()
    preview = page.request.get(live_server + page.locator("iframe.preview").get_attribute("src"))
    assert preview.headers["content-type"] == "application/pdf" and preview.headers["x-frame-options"] == "SAMEORIGIN"
    assert preview.headers["content-security-policy"] == "frame-ancestors 'self'"  # no default-src: the viewer runs
    shot(page, "bien-ban")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    target = tmp_path / "bien-ban.pdf"
    download.value.save_as(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True, text=True).stdout
    assert "BIÊN BẢN" in text and "Quang Khải 9 – đi công tác" in text, text[:1500]
    assert "tại Nhà văn hóa thôn" in text and "có mặt 21" in text

    page.go_back()  # the meeting page again: now its resolution
    page.get_by_label("Nhiệm vụ, giải pháp của nghị quyết (mỗi dòng một ý)").fill(
        "Tăng cường công tác dân vận.\nHoàn thành thu đảng phí quý I.")
    page.get_by_role("button", name="Tạo nghị quyết").click()
    page.wait_for_selector("iframe.preview")
    assert "01-NQ/CB" in page.locator("dl.facts").inner_text()
    shot(page, "nghi-quyet")
    page.goto(f"{live_server}/")
    assert page.get_by_role("heading", name="Việc đang chờ").is_visible()  # both documents wait for signed copies
    shot(page, "trang-lam-viec")
