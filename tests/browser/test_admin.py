"""As an admin: add a user, change their role, reset a password, read the audit trail of it all."""

from tests.browser.test_reader import _sign_in


def test_admin_manages_a_user_and_reads_the_trail(live_server, browser_context, shot, world):
    page = browser_context.new_page()
    _sign_in(page, live_server, "admin")
    page.get_by_role("link", name="Quản trị").click()
    assert page.locator("table.list tbody tr").count() == 6
    shot(page, "nguoi-dung")
    page.get_by_role("link", name="Thêm người dùng").click()
    page.get_by_label("Tên đăng nhập").fill("thuky.moi")
    page.get_by_label("Mật khẩu ban đầu").fill("ngan1")
    page.get_by_label("Họ và tên").fill("Phạm Thị Mới")
    page.get_by_label("Vai trò").select_option("secretary")
    page.get_by_label("Tổ chức (phạm vi)").select_option(label="Chi bộ Thôn Tây")
    page.get_by_role("button", name="Thêm").click()
    assert "10 ký tự" in page.locator("[role=alert]").inner_text()
    assert page.get_by_label("Tên đăng nhập").input_value() == "thuky.moi"
    page.get_by_label("Mật khẩu ban đầu").fill("ThuKyMoi2026")
    page.get_by_role("button", name="Thêm").click()
    page.wait_for_selector("h1:has-text('thuky.moi')")
    page.get_by_label("Vai trò").select_option("reader")
    page.get_by_role("button", name="Lưu thay đổi").click()
    assert "Đã lưu thay đổi" in page.locator(".flash").inner_text()
    assert page.get_by_label("Vai trò").input_value() == "reader"
    page.get_by_label("Đặt lại mật khẩu").fill("DatLai2026abc")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    assert "Đã đặt lại mật khẩu" in page.locator(".flash").inner_text()
    shot(page, "sua-nguoi-dung")

    page.goto(f"{live_server}/admin/audit?action=user.")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 3  # create, change, password
    assert "role=reader" in rows.first.inner_text() or "role=reader" in page.locator("table.list").inner_text()
    shot(page, "nhat-ky")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải CSV").click()
    assert download.value.suggested_filename == "audit-events.csv"


def test_the_admin_pages_are_for_admins_only(live_server, browser_context, world):
    page = browser_context.new_page()
    _sign_in(page, live_server, "thuky.dong")
    assert page.get_by_role("link", name="Quản trị").count() == 0
    assert page.goto(f"{live_server}/admin/users").status == 403
    assert page.goto(f"{live_server}/admin/audit").status == 403


def test_admin_uploads_a_template_and_reads_the_lint_result(live_server, browser_context, shot, world, svc,
                                                              tmp_path):
    import json

    from tests.integration.test_api_templates import _standard, _with_line

    docx, manifest = _standard(svc)
    manifest["version"] = "2.0.0"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "sai.docx").write_bytes(_with_line(docx, "Ghi chú: {{ bien_khong_khai_bao }}"))
    (tmp_path / "mau.docx").write_bytes(docx)
    page = browser_context.new_page()
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/templates")
    page.get_by_label("Tệp mẫu (.docx)").set_input_files(str(tmp_path / "sai.docx"))
    page.get_by_label("Tệp manifest.json").set_input_files(str(tmp_path / "manifest.json"))
    page.get_by_role("button", name="Kiểm tra và lưu").click()
    alert = page.locator("[role=alert]").inner_text()
    assert "bien_khong_khai_bao" in alert
    shot(page, "mau-loi")
    page.get_by_label("Tệp mẫu (.docx)").set_input_files(str(tmp_path / "mau.docx"))
    page.get_by_label("Tệp manifest.json").set_input_files(str(tmp_path / "manifest.json"))
    page.get_by_role("button", name="Kiểm tra và lưu").click()
    assert "phiên bản 2.0.0" in page.locator("[role=status]").inner_text()
    assert "2.0.0 — tải lên" in page.locator("table.list").inner_text()


def test_admin_adds_a_chi_bo_and_its_term(live_server, browser_context, shot, world, client, auth):
    page = browser_context.new_page()
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/organizations")
    page.get_by_label("Loại").select_option("chi_bo")
    page.get_by_label("Tên", exact=True).fill("Chi bộ Thôn Bắc")
    page.get_by_label("Mã (không dấu)").fill("cb-thon-bac")
    page.get_by_role("button", name="Thêm tổ chức").click()
    assert "Đã thêm Chi bộ Thôn Bắc" in page.locator(".flash").inner_text()
    page.get_by_label("Tổ chức", exact=True).select_option(label="Chi bộ Thôn Bắc")
    page.get_by_label("Tên nhiệm kỳ").fill("2025–2030")
    page.get_by_label("Từ ngày").fill("2025-07-01")
    page.get_by_role("button", name="Thêm nhiệm kỳ").click()
    assert "Đã thêm nhiệm kỳ 2025–2030" in page.locator(".flash").inner_text()
    page.get_by_label("Tổ chức", exact=True).select_option(label="Chi bộ Thôn Bắc")
    page.get_by_label("Tên nhiệm kỳ").fill("2026–2031")
    page.get_by_label("Từ ngày").fill("2026-01-01")
    page.get_by_role("button", name="Thêm nhiệm kỳ").click()
    assert "Trùng" in page.locator("[role=alert]").inner_text()
    shot(page, "to-chuc")
    codes = {o["code"] for o in client.get("/api/v1/organizations?per_page=100", headers=auth("admin")).json["items"]}
    assert "cb-thon-bac" in codes
