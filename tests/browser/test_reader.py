"""As a reader: sign in, search without diacritics, open the record; a reader of another chi bộ cannot."""

import io
import json

from tests.builders import PASSWORD, text_pdf
from tests.integration.test_web_reading import _drain


def _archive(client, auth, world, title, text, org):
    form = {"file": (io.BytesIO(text_pdf(text)), "ban-ky.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "number": "07-NQ/CB", "date": "2025-09-15",
                                    "organization_id": org, "title": title, "signer": "Nguyễn Thị Hoà"})}
    response = client.post("/api/v1/records", data=form, headers=auth("luutru"), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_reader_finds_a_resolution_without_diacritics_and_opens_it(live_server, browser_context, shot, client, auth,
                                                                    world, svc):
    record_id = _archive(client, auth, world, "Nghị quyết về công tác hòa giải ở cơ sở năm 2025",
                         "NGHỊ QUYẾT về công tác hòa giải ở cơ sở. Chi bộ thống nhất kiện toàn tổ hòa giải "
                         "thôn Đông, phân công đảng viên theo dõi từng vụ việc.", world.dong_id)
    _drain(svc)
    page = browser_context.new_page()
    page.goto(f"{live_server}/login")
    shot(page, "dang-nhap")
    _sign_in(page, live_server, "uyvien")
    shot(page, "trang-chu")
    page.get_by_role("link", name="Tìm kiếm").first.click()
    page.get_by_label("Từ khóa, số văn bản").fill("hoa giai o co so")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_selector(".hit")
    assert page.locator("h2#ket-qua").inner_text() == "1 kết quả"
    assert page.locator(".snippet mark").first.inner_text() in ("hòa", "giải", "ở", "cơ", "sở")
    shot(page, "tim-kiem")
    page.get_by_role("link", name="Nghị quyết về công tác hòa giải ở cơ sở năm 2025").click()
    page.wait_for_url(f"{live_server}/records/{record_id}?from=search")
    assert page.get_by_role("heading", level=1).inner_text() == "Nghị quyết về công tác hòa giải ở cơ sở năm 2025"
    assert "07-NQ/CB" in page.locator("dl.facts").inner_text()
    shot(page, "ho-so")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp PDF").click()
    assert download.value.suggested_filename == f"ho-so-{record_id}.pdf"


def test_a_reader_of_another_chi_bo_cannot_reach_it(live_server, browser_context, shot, client, auth, world, svc):
    record_id = _archive(client, auth, world, "Nghị quyết Thôn Đông về thủy lợi nội đồng",
                         "NGHỊ QUYẾT về công tác thủy lợi nội đồng của thôn Đông.", world.dong_id)
    _drain(svc)
    page = browser_context.new_page()
    _sign_in(page, live_server, "docgia.tay")
    page.goto(f"{live_server}/search?q=thuy+loi")
    assert page.locator("h2#ket-qua").inner_text() == "0 kết quả"
    response = page.goto(f"{live_server}/records/{record_id}")
    assert response.status == 404
    assert "Không tìm thấy" in page.get_by_role("heading", level=1).inner_text()
    assert "thủy lợi" not in page.content()
    shot(page, "khong-tim-thay")


def test_keyboard_alone_reaches_the_search_and_focus_is_visible(live_server, browser_context, world):
    page = browser_context.new_page()
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").startswith("Bỏ qua")
    for _step in range(4):  # on through the header to its sign-in link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Đăng nhập":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/login")
    assert page.evaluate("document.activeElement.id") == "username"  # the form starts focused
    page.keyboard.type("uyvien")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert "uyvien" in page.locator("header").inner_text()
