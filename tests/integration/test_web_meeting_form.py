"""The meeting form without script: more content blocks on request (nothing saved meanwhile), all of them kept."""

from html.parser import HTMLParser

from sqlalchemy import func, select

from docservice.db.models import Meeting
from tests.integration.test_api_meetings import cell  # noqa: F401 - the fixture
from tests.integration.test_web_reading import _sign_in


class _Form(HTMLParser):
    """The values a browser would send for the page's POST form (its defaults)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_post = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post = a.get("method") == "post"
        if not self._in_post:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "submit"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.values):
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_post = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _form(page: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(page)
    return parser.values


def _meetings(svc) -> int:
    with svc.catalogue.reader() as session:
        return session.scalar(select(func.count()).select_from(Meeting))


def test_more_content_blocks_on_request_then_all_are_recorded(app, world, svc, cell):  # noqa: F811
    secretary = app.test_client()
    _sign_in(secretary, "thuky.tay")
    url = f"/meetings/new?organization_id={world.tay_id}&date=2026-03-05"
    values = _form(secretary.get(url).get_data(as_text=True))
    assert "heading_3" in values and "heading_4" not in values and values["blocks"] == "3"
    values.update({"organization_id": str(world.tay_id), "date": "2026-03-05", "start_time": "19:30",
                   "end_time": "21:00", "location": "Nhà văn hóa thôn Tây",
                   "heading_1": "Tình hình tháng 2", "text_1": "Thôn giữ vững an ninh.",
                   "conclusion": "Tiếp tục thực hiện tốt nhiệm vụ.", "minutes_read_back": "1"})
    more = secretary.post(url, data={**values, "more": "1"})
    page = more.get_data(as_text=True)
    assert more.status_code == 200 and _meetings(svc) == 0  # nothing saved by asking for a block
    assert 'name="minutes_read_back" value="1" checked' in page  # the tick survives the round trip
    values = {**_form(page), "minutes_read_back": "1"}
    assert values["blocks"] == "4" and values["heading_1"] == "Tình hình tháng 2" and "heading_4" in values
    values.update({"heading_4": "Công tác phát triển đảng viên", "text_4": "Giới thiệu hai quần chúng ưu tú."})
    saved = secretary.post(url, data=values)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with svc.catalogue.reader() as session:
        meeting = session.scalars(select(Meeting)).one()
        headings = [c["heading"] for c in meeting.contents]
        assert meeting.minutes_read_back is True
    assert headings == ["Tình hình tháng 2", "Công tác phát triển đảng viên"]


def test_blocks_field_is_bounded(app, world, cell):  # noqa: F811
    secretary = app.test_client()
    _sign_in(secretary, "thuky.tay")
    url = f"/meetings/new?organization_id={world.tay_id}&date=2026-03-05"
    for sent, shown in (("999", "50"), ("abc", "3"), ("-4", "3")):
        page = secretary.get(url + f"&blocks={sent}").get_data(as_text=True)
        assert _form(page)["blocks"] == shown, sent
