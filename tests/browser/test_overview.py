"""As a committee member: open the overview of a generated year, see the charts, follow a chi bộ to its
register, open a flagged member and download the monthly report; a reader of one chi bộ sees only it."""

from tests.browser.test_reader import _sign_in
from tests.integration.test_oversight import year  # noqa: F401 - the fixture
from tests.oversight_year import YEAR


def test_committee_reads_the_overview_register_and_report(live_server, browser_context, shot, world, year):  # noqa: F811
    page = browser_context.new_page()
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Tổng hợp").first.click()
    page.get_by_label("Từ ngày").fill(f"{YEAR}-01-01")
    page.get_by_label("Đến ngày").fill(f"{YEAR}-12-31")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/overview?**")
    charts = page.locator("figure svg[role=img]")
    assert charts.count() == 4
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 150  # drawn, and fits the screen
    assert box["x"] + box["width"] <= page.viewport_size["width"] + 1
    assert page.get_by_text("8/24 lượt chi bộ-tháng").is_visible()
    shot(page, "tong-hop")

    page.get_by_role("link", name="Chi bộ Thôn Tây").first.click()
    page.wait_for_url("**/overview/register?**")
    assert page.get_by_text("Thiếu sinh hoạt chuyên đề quý: 2.").is_visible()
    assert page.locator("span.badge", has_text="Không sinh hoạt").count() == 2
    shot(page, "so-theo-doi")

    page.goto(f"{live_server}/overview?from={YEAR}-01-01&to={YEAR}-12-31")
    page.locator(f"a[href*='/overview/members/{year['people']['flagged']}']").click()
    assert page.get_by_role("alert").filter(has_text="xóa tên").is_visible()
    shot(page, "dang-vien-vang")

    with page.expect_download() as download:
        page.goto(f"{live_server}/overview/register?organization_id={world.tay_id}&year={YEAR}")
        page.get_by_role("link", name="Tải Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    report = page.request.get(f"{live_server}/overview/report.pdf?organization_id={world.root_id}&month={YEAR}-09")
    assert report.status == 200 and report.body().startswith(b"%PDF")


def test_a_reader_of_one_chi_bo_sees_only_it(live_server, browser_context, world, year):  # noqa: F811
    page = browser_context.new_page()
    _sign_in(page, live_server, "docgia.tay")
    page.goto(f"{live_server}/overview?from={YEAR}-01-01&to={YEAR}-12-31")
    assert page.get_by_role("heading", name="Tổng hợp: Chi bộ Thôn Tây").is_visible()
    assert page.get_by_text("Chi bộ Thôn Đông").count() == 0
    response = page.goto(f"{live_server}/overview?organization_id={world.root_id}")
    assert response.status == 404
