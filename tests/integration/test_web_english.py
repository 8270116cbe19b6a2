"""English pages: every message the code marks has its English, with the same placeholders; text built from
data and code (figures, status words, flashes, errors, document types) follows the chosen language."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.integration.test_api_meetings import _body, cell  # noqa: F401 - the fixture
from tests.integration.test_web_reading import _archive, _sign_in

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "docservice/web/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _marked_messages() -> set[str]:
    with (ROOT / "docservice/web/babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "_l": None, "N_": None, "gettext": None,
                                                           "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_message_has_its_english_with_the_same_placeholders():
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    marked = _marked_messages()
    assert len(marked) > 350  # pages, flashes, status words, error titles
    missing, wrong = [], []
    for text in sorted(marked):
        entry = catalog.get(text)
        strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))
        if not strings or not all(strings):
            missing.append(text)
            continue
        wanted = set(PLACEHOLDER.findall(text))
        wrong += [text for s in strings if set(PLACEHOLDER.findall(s)) != wanted and wanted]
    assert not missing, f"no English for: {missing[:10]}"
    assert not wrong, f"placeholders differ: {wrong[:10]}"


def _english(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en", headers={"Accept": "text/html"})
    return response, response.get_data(as_text=True)


def test_a_recorded_meeting_reads_in_english(app, client, auth, world, cell):  # noqa: F811
    created = client.post("/api/v1/meetings", headers=auth("thuky.tay"), json=_body(world, cell))
    assert created.status_code == 201, created.json
    page = app.test_client()
    _sign_in(page, "thuky.tay")
    _, meeting = _english(page, f"/meetings/{created.json['id']}")
    quorum = created.json["quorum"]
    assert (f"Present {quorum['present']}/{quorum['base']} official members called, at least {quorum['required']} "
            f"needed ({quorum['threshold']})") in meeting
    assert "no national rule found" in meeting
    assert ("— quorate" if quorum["met"] else "— not quorate") in meeting
    assert "Regular meeting of" in meeting
    for vietnamese in ("Có mặt", "cần ít nhất", "Tán thành", "thông qua", "Sinh hoạt thường kỳ", "vắng"):
        assert vietnamese not in meeting, vietnamese
    _, form = _english(page, f"/meetings/new?organization_id={world.tay_id}")
    assert "Absent with reason" in form and "full member" in form and "Vắng có lý do" not in form

    made = page.post(f"/meetings/{created.json['id']}/minutes",
                     data={"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                                   meeting).group(1)})
    assert made.status_code == 302
    after = page.get(made.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Minutes no\. [\w/-]+ created\.", after), after[after.find("flash"):][:300]
    _, documents = _english(page, "/documents")
    assert re.search(r"\b1 document\b", documents) and "văn bản" not in documents.replace("Văn bản", "")


def test_records_errors_and_document_types_in_english(app, client, auth, world, svc):
    secret = _archive(client, auth, world, "Nghị quyết mật về quốc phòng", "NGHỊ QUYẾT mật.", "mat")
    reader = app.test_client()
    _sign_in(reader, "thuky.dong")
    _, record = _english(reader, f"/records/{secret}")
    assert "Resolution" in record and "CONFIDENTIAL" in record and "Text source" in record
    assert "Nhận dạng chữ" not in record and "Lớp chữ" not in record and "MẬT" not in record
    assert "Nghị quyết mật về quốc phòng" in record  # the record's own title stays as filed
    _, records = _english(reader, "/records")
    assert "1 record" in records and "Confidential" in records

    outsider = app.test_client()
    _sign_in(outsider, "docgia.tay")
    response, missing = _english(outsider, "/records/999999")
    assert response.status_code == 404 and "<h1>Not found</h1>" in missing
    assert "What you asked for was not found." in missing and '<span lang="vi">Không tìm thấy' in missing
    vietnamese = outsider.get("/records/999999?lang=vi", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1>Không tìm thấy</h1>" in vietnamese


def test_run_time_messages_are_translated_but_never_trusted_as_markup(app, world):
    client = app.test_client()
    client.get("/login?lang=en")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    wrong = client.post("/login", data={"csrf_token": token, "username": "<b>x</b>", "password": "sai-mat-khau"})
    text = wrong.get_data(as_text=True)
    assert "The user name or password is wrong." in text and "<b>x</b>" not in text
    forged = client.post("/login", data={"csrf_token": "forged", "username": "a", "password": "b"})
    text = forged.get_data(as_text=True)
    assert forged.status_code == 400 and "The form could not be sent" in text and "anti-forgery token" in text
