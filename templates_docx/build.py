"""Build every standard template and its manifest (run: ``make templates``).\n
For each template this writes ``templates_docx/<key>/template.docx`` (laid out by ``layout.py`` with
the current rule profile) and ``templates_docx/<key>/manifest.json`` (its fields with Vietnamese labels
and help). Both are committed; run this again after changing a profile, a layout or a field, and
commit the result. The texts follow the skeletons of the domain notes (party-records.md §1.4, §3.3,
§5), not a copy of any one local form.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from layout import CENTER, Layout  # noqa: E402

from docservice.generation.manifest import Manifest, fields_model  # noqa: E402
from docservice.rules import current_profile  # noqa: E402

VERSION = "1.6.2"


# field specs --------------------------------------------------------------------------------------
def text(label: str, help: str = "", *, required: bool = True, max_length: int = 300, default: Any = None) -> dict:
    return _spec("text", label, help, required=required, max_length=max_length, default=default)


def paragraphs(label: str, help: str = "", *, required: bool = True, max_length: int = 20000,
               default: Any = None) -> dict:
    return _spec("paragraphs", label, help, required=required, max_length=max_length, default=default)


def items(label: str, help: str = "", *, required: bool = False, min_items: int = 0, max_items: int = 30,
          default: Any = None) -> dict:
    return _spec("list", label, help, required=required, min_items=min_items, max_items=max_items, default=default)


def day(label: str, help: str = "", *, required: bool = True) -> dict:
    return _spec("date", label, help, required=required)


def number(label: str, help: str = "", *, minimum: int = 0, maximum: int = 100000, required: bool = True) -> dict:
    return _spec("integer", label, help, required=required, minimum=minimum, maximum=maximum)


def choice(label: str, choices: list[str], default: str | None = None, help: str = "") -> dict:
    return _spec("choice", label, help, required=default is None, choices=choices, default=default)


def _spec(kind: str, label: str, help: str, **options: Any) -> dict:
    spec = {"type": kind, "label": label, **{k: v for k, v in options.items() if v is not None}}
    if help:
        spec["help"] = help
    return spec


# The day a member becomes official (the ceremony + 12 months when not given) and the day a decision takes
# effect (its date when not given): the service fills both, a template never prints an empty date.
OFFICIAL_FROM = "{{ fmt.short(official_from or fmt.probation_end(admitted_on)) }}"
EFFECTIVE_FROM = "{{ fmt.short(effective_from or document_date) }}"
DATE = {"date": day("Ngày ban hành", "Ngày ký văn bản (YYYY-MM-DD); quyết định nhiệm kỳ và số văn bản.")}
SIGNER = {
    "signer_name": text("Người ký", "Họ và tên đồng chí ký thay mặt tập thể.", max_length=128),
    "signer_title": choice("Chức vụ người ký", ["BÍ THƯ", "PHÓ BÍ THƯ"], "BÍ THƯ",
                           "Bí thư ký; phó bí thư ký khi được phân công (vẫn ký T/M)."),
}
# Papers both a chi bộ and a đảng ủy issue: who signs for the collegial body, by default the body itself
# (T/M CHI BỘ, T/M ĐẢNG ỦY); a chi bộ with a chi ủy may sign its chi ủy's papers T/M CHI ỦY.
ISSUER_SIGNING_BODY = {"signing_body": {
    **choice("Thay mặt", ["CHI BỘ", "CHI ỦY", "ĐẢNG ỦY", "BAN THƯỜNG VỤ"], None,
             "Để trống: tập thể ban hành (chi bộ, đảng ủy). Chi bộ có chi ủy ký văn bản của chi ủy: CHI ỦY."),
    "required": False}}
SIGNING_BODY = {"signing_body": choice("Thay mặt", ["BAN THƯỜNG VỤ", "ĐẢNG ỦY"], "BAN THƯỜNG VỤ",
                                       "Tập thể ban hành: Ban Thường vụ Đảng ủy hoặc Đảng ủy.")}


def recipients(*default: str) -> dict:
    return {"recipients": items("Nơi nhận", "Mỗi dòng một nơi nhận; dòng \"Lưu …\" được thêm tự động.",
                                max_items=15, default=list(default))}


def person(prefix: str = "Quần chúng") -> dict:
    return {
        "person_name": text("Họ và tên", f"{prefix} được xem xét.", max_length=128),
        "birth_date": day("Ngày sinh"),
        "hometown": text("Quê quán", "Xã/phường, tỉnh/thành phố.", max_length=200),
    }


def proposal(what: str) -> dict:
    """The resolution a decision acts on: linked in the system (its number and date are read from it) or,
    for one issued outside, written out."""
    return {
        "proposal_id": number("Nghị quyết được dẫn (số hiệu trong hệ thống)",
                              f"Số hiệu của {what} đã tạo trong hệ thống; số và ngày được lấy từ văn bản đó.",
                              minimum=1, maximum=2**31 - 1, required=False),
        "proposal": text("Nghị quyết được dẫn (lập ngoài hệ thống)",
                         f"Chỉ khi {what} lập ngoài hệ thống, ví dụ: Nghị quyết số 05-NQ/CB ngày 05/03/2026 của "
                         "Chi bộ Khu phố 1.", required=False, max_length=300),
    }


MEMBER_STATUS = {"member_status": choice("Đảng viên", ["chính thức", "dự bị"], "chính thức",
                                         "Lấy từ hồ sơ khi chọn đảng viên ở trên hoặc ghi đúng họ tên "
                                         "đảng viên của chi bộ.")}
EFFECTIVE = {"effective_from": day("Có hiệu lực từ ngày", "Để trống: từ ngày ký.", required=False)}
REMOVAL_REASONS = [
    "bỏ sinh hoạt đảng hoặc không đóng đảng phí ba tháng trong năm mà không có lý do chính đáng",
    "tự ý trả lại thẻ đảng viên hoặc hủy thẻ đảng viên",
    "giảm sút ý chí, không thực hiện nhiệm vụ đảng viên, đã được chi bộ giáo dục nhưng sau thời gian 12 tháng phấn "
    "đấu không tiến bộ",
    "hai năm liền vi phạm tư cách đảng viên",
    "không bảo đảm tiêu chuẩn chính trị theo quy định của Bộ Chính trị"]
COMMITTEE_VOTE = {
    "meeting_date": day("Ngày cấp ủy họp xét"),
    "members_total": number("Tổng số cấp ủy viên", minimum=1),
    "members_present": number("Số cấp ủy viên có mặt"),
    "votes_for": number("Số cấp ủy viên tán thành"),
}
VOTE = {
    "meeting_date": day("Ngày chi bộ họp xét"),
    "members_total": number("Số đảng viên chính thức được tính để biểu quyết",
                            "Theo Quy định thi hành Điều lệ Đảng (trừ đảng viên đi sinh hoạt tạm thời, miễn sinh "
                            "hoạt vắng mặt, bị đình chỉ, vắng có lý do được chấp thuận).", minimum=1),
    "members_present": number("Số đảng viên chính thức có mặt"),
    "votes_for": number("Số đảng viên tán thành"),
}


# templates ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    doc_type: str
    issuer_kinds: tuple[str, ...]
    title_prefix: str
    title_field: str
    fields: dict[str, dict]
    lay_out: Callable[[Layout], None]
    vote_rule: str | None = None  # the personnel decision whose threshold the vote must reach
    member_event: str | None = None  # the step of the member's life (docservice/generation/member_papers.py)
    acts_on: tuple[str, ...] = ()  # the resolutions a decision cites


def _minutes_body(page: Layout, *, thematic: bool) -> None:
    page.header()
    page.title("{{ summary }}")  # the trích yếu in normal case (Phụ lục 3), like every other paper
    page.loop("opening")
    page.body("- Chủ trì: {{ chair }}.")
    page.body("- Thư ký: {{ minute_taker }}.")
    page.optional("guests", "- Khách mời: {{ guests|join('; ') }}.")
    page.heading("I. THÀNH PHẦN")
    page.loop("composition", "- {{ p }}")
    # An empty section is left out and the later ones renumbered (the thematic minutes always have one).
    shown = "True" if thematic else "contents"
    if thematic:
        page.heading("II. NỘI DUNG CHUYÊN ĐỀ VÀ THẢO LUẬN")
        page.body("Chuyên đề: {{ topic }}.")
    else:
        page.tag("{%p if contents %}")
        page.heading("II. NỘI DUNG VÀ DIỄN BIẾN")
    page.tag("{%p for item in contents %}")
    page.heading("{{ loop.index }}. {{ item.heading }}")
    page.loop("item.text")
    page.loop("item.speakers", "- {{ s }}", item="s")
    page.tag("{%p endfor %}")
    if not thematic:
        page.tag("{%p endif %}")
    page.heading(f"{{{{ 'III' if {shown} else 'II' }}}}. KẾT LUẬN")
    page.loop("conclusion")
    page.tag("{%p if votes %}")
    page.heading(f"{{{{ 'IV' if {shown} else 'III' }}}}. BIỂU QUYẾT")
    page.loop("votes", "- {{ p }}")
    page.tag("{%p endif %}")
    page.loop("closing")
    page.minutes_signature()


MINUTES_FIELDS = {
    "date": day("Ngày họp", "Ngày sinh hoạt (YYYY-MM-DD)."),
    "summary": text("Tên buổi sinh hoạt", "Ví dụ: sinh hoạt chi bộ thường kỳ tháng 02 năm 2026"),
    "opening": paragraphs("Thời gian, địa điểm", "Ví dụ: Vào hồi 19 giờ 30 phút, ngày 05 tháng 02 năm 2026, tại "
                          "Nhà văn hóa Khu phố 1, Chi bộ tiến hành sinh hoạt thường kỳ.", max_length=3000),
    "chair": text("Chủ trì", "Họ tên, chức vụ.", max_length=200),
    "minute_taker": text("Thư ký", "Họ tên, chức vụ.", max_length=200),
    "guests": items("Khách mời", "Mỗi dòng một đại biểu (họ tên, chức vụ).", max_items=50),
    "composition": paragraphs("Thành phần", "Tổng số đảng viên, số có mặt, vắng có lý do và không lý do (ghi rõ "
                              "họ tên và lý do).", max_length=10000),
    "contents": {"type": "items", "label": "Nội dung và diễn biến", "max_items": 50, "default": [],
                 "help": "Mỗi nội dung: tiêu đề, nội dung trình bày, ý kiến phát biểu của từng đồng chí.",
                 "item_fields": {
                     "heading": text("Nội dung"),
                     "text": paragraphs("Trình bày", required=False, default=""),
                     "speakers": items("Ý kiến phát biểu", "Mỗi dòng: Đồng chí …: ý kiến.", max_items=100,
                                       default=[]),
                 }},
    "conclusion": paragraphs("Kết luận của chủ trì"),
    "votes": paragraphs("Biểu quyết", "Ví dụ: 25/28 đồng chí tán thành (89,3%).", required=False, max_length=5000),
    "closing": paragraphs("Kết thúc", "Giờ kết thúc; biên bản đã được đọc lại và thông qua.", max_length=2000),
    "minute_taker_name": text("Họ tên thư ký", max_length=128),
    "chair_name": text("Họ tên người chủ trì", max_length=128),
}


def _resolution_monthly(page: Layout) -> None:
    page.header()
    page.title("{{ subject }}")
    page.bases()
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.heading("I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    page.heading("1. Kết quả đạt được")
    page.loop("results")
    page.tag("{%p if shortcomings %}")
    page.heading("2. Hạn chế, nguyên nhân")
    page.loop("shortcomings")
    page.tag("{%p endif %}")
    page.heading("II. NHIỆM VỤ, GIẢI PHÁP")
    page.loop("tasks", "{{ loop.index }}. {{ p }}")
    page.heading("III. TỔ CHỨC THỰC HIỆN")
    page.loop("implementation")
    page.optional("adopted_line", "{{ adopted_line }}")
    page.collegial_signature()


def _vote_paragraph(page: Layout, subject: str) -> None:
    page.body("Ngày {{ fmt.short(meeting_date) }}, {{ issuer_name }} họp xét " + subject + ". Tổng số đảng viên "
              "chính thức được tính để biểu quyết: {{ members_total }} đồng chí; có mặt {{ members_present }} "
              "đồng chí.")


def _vote_result(page: Layout) -> None:
    page.body("Kết quả biểu quyết: {{ votes_for }}/{{ members_total }} đồng chí tán thành "
              "({{ fmt.percent(votes_for, members_total) }}).")


def _resolution_admission(page: Layout) -> None:
    page.header()
    page.title("đề nghị kết nạp đảng viên")
    page.bases()
    _vote_paragraph(page, "đề nghị kết nạp quần chúng {{ person_name }} vào Đảng")
    page.body("Quần chúng {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}; "
              "{{ occupation }}.")
    page.body("Chi bộ nhận xét:")
    page.loop("remarks")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("1. Đề nghị {{ superior_body }} xem xét, kết nạp quần chúng {{ person_name }} vào Đảng Cộng sản "
              "Việt Nam.")
    page.body("2. Phân công đồng chí {{ helpers|join(' và đồng chí ') }} tiếp tục giúp đỡ quần chúng "
              "{{ person_name }} trong thời gian chờ kết nạp và khi là đảng viên dự bị.")
    page.collegial_signature()


def _resolution_recognition(page: Layout) -> None:
    page.header()
    page.title("đề nghị công nhận đảng viên chính thức")
    page.bases()
    _vote_paragraph(page, "đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}")
    page.body("Đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}, được "
              "kết nạp vào Đảng ngày {{ fmt.short(admitted_on) }} theo {{ admission_decision }}; đến ngày "
              + OFFICIAL_FROM + " hết thời gian dự bị.")
    page.body("Chi bộ nhận xét:")
    page.loop("remarks")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("Đề nghị {{ superior_body }} xem xét, công nhận đồng chí {{ person_name }} là đảng viên chính thức "
              "kể từ ngày " + OFFICIAL_FROM + ".")
    page.collegial_signature()


def _resolution_exemption(page: Layout) -> None:
    page.header()
    page.title("về việc miễn công tác và sinh hoạt đảng")
    page.bases()
    _vote_paragraph(page, "đơn đề nghị miễn công tác và sinh hoạt đảng của đồng chí {{ person_name }}")
    page.body("Đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}.")
    page.body("Chi bộ xét thấy:")
    page.loop("reasons")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("1. Đồng ý để đồng chí {{ person_name }} được miễn công tác và sinh hoạt đảng kể từ ngày "
              "{{ fmt.short(from_date) }}.")
    page.body("2. Đồng chí {{ person_name }} vẫn được dự các buổi sinh hoạt khi có điều kiện, được chi bộ thông "
              "tin tình hình; khi sức khỏe phục hồi, báo cáo chi bộ để sinh hoạt trở lại.")
    page.body("3. Nghị quyết được ghi vào sổ nghị quyết của chi bộ và báo cáo {{ superior_body }}.")
    page.collegial_signature()


def _committee_vote(page: Layout, subject: str) -> None:
    page.body("Ngày {{ fmt.short(meeting_date) }}, {{ issuer_name }} họp xét " + subject + ". Tổng số cấp ủy viên: "
              "{{ members_total }} đồng chí; có mặt {{ members_present }} đồng chí.")


def _cited(page: Layout, about: str) -> None:
    page.body("- Xét {{ proposal }} " + about + ";")


def _committee_admission(page: Layout) -> None:
    page.header()
    page.title("về việc kết nạp đảng viên")
    page.bases()
    _cited(page, "đề nghị kết nạp quần chúng {{ person_name }} vào Đảng")
    _committee_vote(page, "đề nghị kết nạp quần chúng {{ person_name }} vào Đảng")
    page.body("Quần chúng {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}; "
              "{{ occupation }}; được {{ chi_bo }} đề nghị kết nạp.")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("1. Đồng ý kết nạp quần chúng {{ person_name }} vào Đảng Cộng sản Việt Nam.")
    page.body("2. {{ 'Ban Thường vụ Đảng ủy ra quyết định kết nạp theo thẩm quyền được ủy quyền.' "
              "if decided_here == 'có' else 'Đề nghị ' ~ superior_body ~ ' xem xét, quyết định.' }}")
    page.collegial_signature()


def _committee_recognition(page: Layout) -> None:
    page.header()
    page.title("về việc công nhận đảng viên chính thức")
    page.bases()
    _cited(page, "đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}")
    _committee_vote(page, "đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}")
    page.body("Đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}, đảng viên "
              "dự bị thuộc {{ chi_bo }}, được kết nạp vào Đảng ngày {{ fmt.short(admitted_on) }}; thời gian dự bị "
              "kết thúc ngày "
              + OFFICIAL_FROM + ".")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("1. Đồng ý công nhận đồng chí {{ person_name }} là đảng viên chính thức kể từ ngày "
              + OFFICIAL_FROM + ".")
    page.body("2. {{ 'Ban Thường vụ Đảng ủy ra quyết định công nhận theo thẩm quyền được ủy quyền.' "
              "if decided_here == 'có' else 'Đề nghị ' ~ superior_body ~ ' xem xét, quyết định.' }}")
    page.collegial_signature()


def _resolution_removal(page: Layout) -> None:
    page.header()
    page.title("đề nghị xóa tên {{ 'trong danh sách đảng viên dự bị' if member_status == 'dự bị' "
               "else 'đảng viên' }}")
    page.bases()
    _vote_paragraph(page, "đề nghị xóa tên đồng chí {{ person_name }}")
    page.body("Đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, đảng viên {{ member_status }} "
              "của chi bộ.")
    page.body("Chi bộ xét thấy:")
    page.loop("remarks")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("Đề nghị {{ superior_body }} xem xét, quyết định xóa tên đồng chí {{ person_name }} "
              "{{ 'trong danh sách đảng viên dự bị, vì không đủ tư cách đảng viên' if member_status == 'dự bị' "
              "else 'ra khỏi danh sách đảng viên' }}, vì: {{ reason }}.")
    page.collegial_signature()


def _resolution_discipline(page: Layout) -> None:
    page.header()
    page.title("về việc thi hành kỷ luật đảng viên")
    page.bases()
    _vote_paragraph(page, "kỷ luật đối với đồng chí {{ person_name }}")
    page.body("Đồng chí {{ person_name }}, đảng viên {{ member_status }} của chi bộ, đã có vi phạm: {{ violation }}")
    page.body("Xét nội dung, tính chất, mức độ, tác hại và nguyên nhân vi phạm, chi bộ biểu quyết bằng phiếu kín.")
    _vote_result(page)
    page.para("{{ resolves_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("1. Thi hành kỷ luật bằng hình thức {{ discipline|upper }} đối với đồng chí {{ person_name }}.")
    page.body("2. Nghị quyết có hiệu lực kể từ ngày " + EFFECTIVE_FROM + ". Đồng chí {{ person_name }} có "
              "quyền khiếu nại lên cấp ủy cấp trên trong thời hạn một tháng kể từ ngày nhận nghị quyết.")
    page.body("3. Nghị quyết được báo cáo {{ superior_body }} và Ủy ban Kiểm tra Đảng ủy.")
    page.collegial_signature()


MEMBER_RESOLUTION_RECIPIENTS = recipients("{superior_body} (b/c)", "Đồng chí có tên trên")
BASES_CHI_BO = {"bases": items("Căn cứ", "Mỗi dòng một căn cứ.", max_items=10,
                               default=["Căn cứ Điều lệ Đảng Cộng sản Việt Nam",
                                        "Căn cứ Quy định và Hướng dẫn thi hành Điều lệ Đảng hiện hành"])}


def _decision(page: Layout, summary: str, articles: list[str], cites: str = "") -> None:
    page.header()
    page.title(summary)
    page.bases()
    if cites:
        _cited(page, cites)
    page.para("{{ decides_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    for index, article in enumerate(articles, start=1):
        page.body(f"Điều {index}. {article}")
    page.collegial_signature()


def _decision_admission(page: Layout) -> None:
    _decision(page, "về việc kết nạp đảng viên", [
        "Kết nạp quần chúng {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}, "
        "vào Đảng Cộng sản Việt Nam. Thời gian dự bị 12 tháng, kể từ ngày chi bộ tổ chức lễ kết nạp.",
        "{{ chi_bo }} có trách nhiệm tổ chức lễ kết nạp theo quy định; phân công đảng viên chính thức giúp đỡ "
        "đảng viên dự bị.",
        "Văn phòng Đảng ủy, {{ chi_bo }} và đồng chí có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    ], cites="đề nghị kết nạp quần chúng {{ person_name }} vào Đảng")


def _decision_recognition(page: Layout) -> None:
    _decision(page, "về việc công nhận đảng viên chính thức", [
        "Công nhận đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, quê quán {{ hometown }}, "
        "đảng viên dự bị thuộc {{ chi_bo }}, là đảng viên chính thức kể từ ngày " + OFFICIAL_FROM + ".",
        "Văn phòng Đảng ủy, {{ chi_bo }} và đồng chí có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    ], cites="đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}")


def _decision_award(page: Layout) -> None:
    page.header()
    page.title("về việc khen thưởng")
    page.bases()
    page.para("{{ decides_line }}", "heading", align=CENTER, after=6, keep_with_next=True)
    page.body("Điều 1. Tặng Giấy khen của {{ issuer_name }} cho {{ awardees|length }} đồng chí đã {{ achievement }}:")
    # "Đồng chí" is printed here: a name typed with it is not given it twice
    page.loop("awardees", "{{ loop.index }}. Đồng chí {{ p[9:] if p[:9]|lower == 'đồng chí ' else p }}.")
    page.body("Điều 2. Văn phòng Đảng ủy, các chi bộ có liên quan và các đồng chí có tên tại Điều 1 chịu trách "
              "nhiệm thi hành Quyết định này.")
    page.collegial_signature()


def _decision_discipline(page: Layout) -> None:
    _decision(page, "về việc thi hành kỷ luật đảng viên", [
        "Thi hành kỷ luật bằng hình thức {{ discipline|upper }} đối với đồng chí {{ person_name }}, đảng viên "
        "{{ member_status }} thuộc {{ chi_bo }}, vì đã có vi phạm: {{ violation }}",
        "Quyết định có hiệu lực kể từ ngày " + EFFECTIVE_FROM + ". Đồng chí {{ person_name }} có quyền khiếu "
        "nại lên cấp ủy cấp trên trong thời hạn một tháng kể từ ngày nhận Quyết định này.",
        "Văn phòng Đảng ủy, {{ chi_bo }} và đồng chí có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    ])


def _decision_removal(page: Layout) -> None:
    """Xóa tên: a probationary member is removed from the list of probationary members (no card to take
    back); an official member from the list of members, and the card is taken back."""
    _decision(page, "về việc xóa tên {{ 'trong danh sách đảng viên dự bị' if member_status == 'dự bị' "
                    "else 'đảng viên' }}", [
        "Xóa tên đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, đảng viên {{ member_status }} "
        "thuộc {{ chi_bo }}, {{ 'trong danh sách đảng viên dự bị' if member_status == 'dự bị' "
        "else 'ra khỏi danh sách đảng viên' }}, vì: {{ reason }}.",
        "{{ chi_bo }} có trách nhiệm thông báo{{ '' if member_status == 'dự bị' else ' và thu hồi thẻ đảng viên' }} "
        "theo quy định.",
        "Văn phòng Đảng ủy, {{ chi_bo }} và đồng chí có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    ], cites="đề nghị xóa tên đồng chí {{ person_name }}")


def _decision_probation_removal(page: Layout) -> None:
    _decision(page, "về việc xóa tên trong danh sách đảng viên dự bị", [
        "Xóa tên đồng chí {{ person_name }}, sinh ngày {{ fmt.short(birth_date) }}, kết nạp vào Đảng ngày "
        "{{ fmt.short(admitted_on) }}, đảng viên dự bị thuộc {{ chi_bo }}, trong danh sách đảng viên dự bị, vì không "
        "đủ tư cách đảng viên: {{ reason }}",
        "{{ chi_bo }} có trách nhiệm thông báo quyết định này đến đồng chí có tên tại Điều 1 và trong chi bộ.",
        "Văn phòng Đảng ủy, {{ chi_bo }} và đồng chí có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    ], cites="đề nghị xóa tên đồng chí {{ person_name }} trong danh sách đảng viên dự bị")


def _report(page: Layout) -> None:
    page.header()
    page.title("{{ subject }}")
    page.tag("{%p for section in sections %}")
    page.heading("{{ section.heading }}")
    page.loop("section.text")
    page.tag("{%p endfor %}")
    page.collegial_signature()


def _official_letter(page: Layout) -> None:
    page.header(summary_under_number=True)
    page.para("")
    page.para("Kính gửi: {{ addressees|join('; ') }}", "body", align=CENTER, after=12)
    page.loop("content")
    page.collegial_signature()


def _introduction(page: Layout) -> None:
    page.header()
    page.title("({{ 'chính thức' if transfer == 'chinh_thuc' else 'tạm thời' }})",
               name="{{ doc_type_name }} SINH HOẠT ĐẢNG")
    page.para("Kính gửi: {{ addressee }}", "body", align=CENTER, after=12)
    page.body("{{ issuer_name }} trân trọng giới thiệu đồng chí {{ person_name }}, sinh ngày "
              "{{ fmt.short(birth_date) }}, quê quán {{ hometown }}.")
    page.body("Là đảng viên {{ member_status }}; vào Đảng ngày {{ fmt.short(admitted_on) }}"
              "{{ (', chính thức ngày ' ~ fmt.short(official_on)) if official_on else '' }}; "
              "số thẻ đảng viên: {{ card_number or 'chưa cấp' }}.")
    page.body("Hiện sinh hoạt tại {{ from_chi_bo }}; được giới thiệu đến sinh hoạt đảng "
              "{{ 'chính thức' if transfer == 'chinh_thuc' else 'tạm thời' }} tại {{ to_org }}.")
    page.body("Lý do: {{ reason }}.")
    page.body("Đồng chí {{ person_name }} đã đóng đảng phí đến hết {{ dues_paid_through }}.")
    page.body("Đề nghị {{ to_org }} tiếp nhận, quản lý và giúp đỡ đồng chí {{ person_name }} sinh hoạt đảng theo "
              "quy định. Giấy giới thiệu này có giá trị đến hết ngày {{ fmt.short(valid_until) }}.")
    page.collegial_signature()


DECISION_COMMON = {**DATE, "bases": items("Căn cứ", "Mỗi dòng một căn cứ.", max_items=10, default=[
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam", "Căn cứ Quy định thi hành Điều lệ Đảng hiện hành",
    "Căn cứ Quy chế làm việc của Đảng ủy nhiệm kỳ hiện hành"]), **SIGNING_BODY}
CHI_BO = {"chi_bo": text("Chi bộ", "Tên chi bộ của đảng viên, ví dụ: Chi bộ Khu phố 1.", max_length=200)}

DEFINITIONS = [
    Definition("bien-ban-sinh-hoat-chi-bo", "Biên bản sinh hoạt chi bộ thường kỳ", "bien_ban", ("chi_bo",),
               "Biên bản", "summary", MINUTES_FIELDS, lambda page: _minutes_body(page, thematic=False)),
    Definition("bien-ban-sinh-hoat-chuyen-de", "Biên bản sinh hoạt chuyên đề", "bien_ban", ("chi_bo",),
               "Biên bản", "summary",
               {**MINUTES_FIELDS, "topic": text("Chuyên đề", "Tên chuyên đề sinh hoạt.", max_length=500)},
               lambda page: _minutes_body(page, thematic=True)),
    Definition("nghi-quyet-chi-bo", "Nghị quyết chi bộ (sinh hoạt thường kỳ hằng tháng)", "nghi_quyet",
               ("chi_bo",), "Nghị quyết", "subject", {
                   **DATE,
                   "subject": text("Trích yếu", "Ví dụ: về lãnh đạo thực hiện nhiệm vụ tháng 02/2026"),
                   "bases": items("Căn cứ", "Mỗi dòng một căn cứ, không cần dấu gạch đầu dòng.", max_items=10,
                                  default=["Căn cứ Điều lệ Đảng Cộng sản Việt Nam",
                                           "Căn cứ kết quả sinh hoạt chi bộ thường kỳ"]),
                   "results": paragraphs("Kết quả đạt được", "Đánh giá kết quả thực hiện nhiệm vụ; mỗi dòng là một "
                                         "đoạn."),
                   "shortcomings": paragraphs("Hạn chế, nguyên nhân", "Để trống nếu không có.", required=False),
                   "tasks": items("Nhiệm vụ, giải pháp", "Mỗi mục một nhiệm vụ; được đánh số tự động.",
                                  required=True, min_items=1),
                   "implementation": paragraphs("Tổ chức thực hiện", required=False, max_length=5000, default=(
                       "Chi ủy, các đồng chí đảng viên trong chi bộ có trách nhiệm tổ chức thực hiện nghị quyết "
                       "này.")),
                   **recipients("{superior_body} (b/c)", "Đảng viên trong chi bộ"), **SIGNER,
               }, _resolution_monthly),
    Definition("nghi-quyet-de-nghi-ket-nap", "Nghị quyết chi bộ đề nghị kết nạp đảng viên", "nghi_quyet",
               ("chi_bo",), "Nghị quyết đề nghị kết nạp đảng viên", "person_name", {
                   **DATE, **BASES_CHI_BO, **person(), **VOTE,
                   "occupation": text("Nghề nghiệp, nơi làm việc", max_length=300),
                   "remarks": paragraphs("Nhận xét của chi bộ", "Ưu điểm, khuyết điểm; mỗi dòng một đoạn."),
                   "helpers": items("Đảng viên giúp đỡ", "Họ tên đảng viên chính thức được phân công giúp đỡ.",
                                    required=True, min_items=1, max_items=2),
                   **MEMBER_RESOLUTION_RECIPIENTS, **SIGNER,
               }, _resolution_admission, vote_rule="admission", member_event="admission_proposal"),
    Definition("nghi-quyet-cong-nhan-chinh-thuc", "Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức",
               "nghi_quyet", ("chi_bo",), "Nghị quyết đề nghị công nhận đảng viên chính thức", "person_name", {
                   **DATE, **BASES_CHI_BO, **person("Đảng viên dự bị"), **VOTE,
                   "admitted_on": day("Ngày kết nạp",
                                      "Ngày chi bộ tổ chức lễ kết nạp: thời gian dự bị tính từ ngày này."),
                   "admission_decision": text("Quyết định kết nạp", "Ví dụ: Quyết định số 15-QĐ/ĐU ngày 10/3/2025 "
                                              "của Ban Thường vụ Đảng ủy phường An Phú"),
                   "official_from": day("Ngày công nhận chính thức",
                                        "Để trống: tính từ ngày kết nạp (+ 12 tháng dự bị).", required=False),
                   "remarks": paragraphs("Nhận xét của chi bộ", "Việc thực hiện nhiệm vụ trong thời gian dự bị."),
                   **MEMBER_RESOLUTION_RECIPIENTS, **SIGNER,
               }, _resolution_recognition, vote_rule="recognition", member_event="recognition_proposal"),
    Definition("nghi-quyet-mien-sinh-hoat", "Nghị quyết chi bộ về việc miễn công tác và sinh hoạt đảng",
               "nghi_quyet", ("chi_bo",), "Nghị quyết về việc miễn công tác và sinh hoạt đảng", "person_name", {
                   **DATE, **BASES_CHI_BO, **person("Đảng viên"), **VOTE,
                   "reasons": paragraphs("Lý do", "Tuổi cao, sức khỏe yếu (kèm xác nhận của cơ sở y tế), tự nguyện "
                                         "đề nghị."),
                   "from_date": day("Miễn từ ngày"),
                   **MEMBER_RESOLUTION_RECIPIENTS, **SIGNER,
               }, _resolution_exemption, member_event="exemption"),
    Definition("nghi-quyet-de-nghi-xoa-ten", "Nghị quyết chi bộ đề nghị xóa tên đảng viên", "nghi_quyet",
               ("chi_bo",), "Nghị quyết đề nghị xóa tên đảng viên", "person_name", {
                   **DATE, **BASES_CHI_BO, "person_name": text("Họ và tên", max_length=128),
                   "birth_date": day("Ngày sinh"), **MEMBER_STATUS, **VOTE,
                   "remarks": paragraphs("Chi bộ xét thấy", "Quá trình giáo dục, giúp đỡ và vi phạm của đảng viên."),
                   "reason": choice("Lý do (Quy định thi hành Điều lệ Đảng)", REMOVAL_REASONS),
                   **MEMBER_RESOLUTION_RECIPIENTS, **SIGNER,
               }, _resolution_removal, member_event="removal_proposal"),
    Definition("nghi-quyet-ky-luat-chi-bo", "Nghị quyết chi bộ thi hành kỷ luật đảng viên (khiển trách, cảnh cáo)",
               "nghi_quyet", ("chi_bo",), "Nghị quyết thi hành kỷ luật đảng viên", "person_name", {
                   **DATE, **BASES_CHI_BO, "person_name": text("Họ và tên", max_length=128), **MEMBER_STATUS, **VOTE,
                   "discipline": choice("Hình thức kỷ luật", ["khiển trách", "cảnh cáo"], None,
                                        "Chi bộ quyết định khiển trách, cảnh cáo đảng viên trong chi bộ."),
                   "violation": text("Nội dung vi phạm", "Tóm tắt vi phạm, kết thúc bằng dấu chấm.", max_length=2000),
                   **EFFECTIVE,
                   **recipients("{superior_body} (b/c)", "Ủy ban Kiểm tra Đảng ủy", "Đồng chí có tên trên"),
                   **SIGNER,
               }, _resolution_discipline, member_event="discipline"),
    Definition("nghi-quyet-dang-uy-ket-nap", "Nghị quyết đảng ủy về việc kết nạp đảng viên", "nghi_quyet",
               ("dang_bo_co_so", "dang_uy"), "Nghị quyết về việc kết nạp đảng viên", "person_name", {
                   **DATE, **BASES_CHI_BO, **person(), **COMMITTEE_VOTE,
                   "occupation": text("Nghề nghiệp, nơi làm việc", max_length=300),
                   "decided_here": choice("Đảng ủy được ủy quyền quyết định", ["có", "không"], "có",
                                          "không: đề nghị cấp ủy cấp trên quyết định."),
                   **proposal("nghị quyết chi bộ đề nghị kết nạp"), **CHI_BO,
                   **recipients("{chi_bo}", "{superior_body} (b/c)"), **SIGNER,
               }, _committee_admission, vote_rule="committee_admission", member_event="admission_committee",
               acts_on=("nghi-quyet-de-nghi-ket-nap",)),
    Definition("nghi-quyet-dang-uy-cong-nhan", "Nghị quyết đảng ủy về việc công nhận đảng viên chính thức",
               "nghi_quyet", ("dang_bo_co_so", "dang_uy"), "Nghị quyết về việc công nhận đảng viên chính thức",
               "person_name", {
                   **DATE, **BASES_CHI_BO, **person("Đảng viên dự bị"), **COMMITTEE_VOTE,
                   "admitted_on": day("Ngày kết nạp", "Ngày chi bộ tổ chức lễ kết nạp (lấy từ hồ sơ)."),
                   "official_from": day("Chính thức từ ngày", "Để trống: ngày kết nạp + 12 tháng.", required=False),
                   "decided_here": choice("Đảng ủy được ủy quyền quyết định", ["có", "không"], "có",
                                          "không: đề nghị cấp ủy cấp trên quyết định."),
                   **proposal("nghị quyết chi bộ đề nghị công nhận"), **CHI_BO,
                   **recipients("{chi_bo}", "{superior_body} (b/c)"), **SIGNER,
               }, _committee_recognition, vote_rule="committee_recognition", member_event="recognition_committee",
               acts_on=("nghi-quyet-cong-nhan-chinh-thuc",)),
    Definition("quyet-dinh-ket-nap", "Quyết định kết nạp đảng viên", "quyet_dinh", ("dang_bo_co_so", "dang_uy"),
               "Quyết định kết nạp đảng viên", "person_name", {
                   **DECISION_COMMON, **person(), **CHI_BO, **proposal("nghị quyết đề nghị kết nạp"),
                   **recipients("{chi_bo}", "Đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_admission, member_event="admission",
               acts_on=("nghi-quyet-de-nghi-ket-nap", "nghi-quyet-dang-uy-ket-nap")),
    Definition("quyet-dinh-cong-nhan-chinh-thuc", "Quyết định công nhận đảng viên chính thức", "quyet_dinh",
               ("dang_bo_co_so", "dang_uy"), "Quyết định công nhận đảng viên chính thức", "person_name", {
                   **DECISION_COMMON, **person("Đảng viên dự bị"), **CHI_BO,
                   "admitted_on": day("Ngày kết nạp", "Ngày chi bộ tổ chức lễ kết nạp (lấy từ hồ sơ).",
                                      required=False),
                   "official_from": day("Chính thức từ ngày", "Để trống: ngày kết nạp + 12 tháng dự bị.",
                                        required=False),
                   **proposal("nghị quyết đề nghị công nhận"),
                   **recipients("{chi_bo}", "Đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_recognition, member_event="recognition",
               acts_on=("nghi-quyet-cong-nhan-chinh-thuc", "nghi-quyet-dang-uy-cong-nhan")),
    Definition("quyet-dinh-khen-thuong", "Quyết định khen thưởng", "quyet_dinh", ("dang_bo_co_so", "dang_uy"),
               "Quyết định khen thưởng", "achievement", {
                   **DECISION_COMMON,
                   "achievement": text("Thành tích", "Ví dụ: hoàn thành xuất sắc nhiệm vụ năm 2025", max_length=500),
                   "awardees": items("Người được khen", "Mỗi dòng: họ tên, đảng viên chi bộ nào.", required=True,
                                     min_items=1, max_items=100),
                   **recipients("Các chi bộ có đảng viên được khen", "Các đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_award),
    Definition("quyet-dinh-ky-luat", "Quyết định thi hành kỷ luật đảng viên", "quyet_dinh",
               ("dang_bo_co_so", "dang_uy"), "Quyết định thi hành kỷ luật đảng viên", "person_name", {
                   **DECISION_COMMON, **CHI_BO,
                   "person_name": text("Họ và tên", max_length=128),
                   "member_status": choice("Đảng viên", ["chính thức", "dự bị"], "chính thức",
                                           "Lấy từ hồ sơ khi chọn đảng viên; đảng viên dự bị chỉ bị khiển trách "
                                           "hoặc cảnh cáo."),
                   "discipline": choice("Hình thức kỷ luật", ["khiển trách", "cảnh cáo", "cách chức", "khai trừ"]),
                   "violation": text("Nội dung vi phạm", "Tóm tắt vi phạm, kết thúc bằng dấu chấm.", max_length=2000),
                   **EFFECTIVE,
                   **recipients("Ủy ban Kiểm tra Đảng ủy", "{chi_bo}", "Đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_discipline, member_event="discipline"),
    Definition("quyet-dinh-xoa-ten", "Quyết định xóa tên đảng viên", "quyet_dinh", ("dang_bo_co_so", "dang_uy"),
               "Quyết định xóa tên đảng viên", "person_name", {
                   **DECISION_COMMON, **CHI_BO,
                   "person_name": text("Họ và tên", max_length=128), "birth_date": day("Ngày sinh"),
                   **MEMBER_STATUS,
                   "reason": choice("Lý do (Quy định thi hành Điều lệ Đảng)", REMOVAL_REASONS),
                   **proposal("nghị quyết chi bộ đề nghị xóa tên"),
                   **recipients("{chi_bo}", "Đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_removal, member_event="removal", acts_on=("nghi-quyet-de-nghi-xoa-ten",)),
    Definition("quyet-dinh-xoa-ten-du-bi", "Quyết định xóa tên trong danh sách đảng viên dự bị", "quyet_dinh",
               ("dang_bo_co_so", "dang_uy"), "Quyết định xóa tên trong danh sách đảng viên dự bị", "person_name", {
                   **DECISION_COMMON, **CHI_BO,
                   "person_name": text("Họ và tên", max_length=128), "birth_date": day("Ngày sinh"),
                   "admitted_on": day("Ngày kết nạp", "Ngày chi bộ tổ chức lễ kết nạp (lấy từ hồ sơ)."),
                   "reason": text("Không đủ tư cách đảng viên vì", "Tóm tắt, kết thúc bằng dấu chấm.",
                                  max_length=2000),
                   **proposal("nghị quyết chi bộ đề nghị xóa tên"),
                   **recipients("{chi_bo}", "Đồng chí có tên tại Điều 1"), **SIGNER,
               }, _decision_probation_removal, member_event="probation_removal",
               acts_on=("nghi-quyet-de-nghi-xoa-ten",)),
    Definition("bao-cao", "Báo cáo", "bao_cao", ("chi_bo", "dang_bo_co_so", "dang_uy"), "Báo cáo", "subject", {
        **DATE,
        "subject": text("Trích yếu", "Ví dụ: kết quả lãnh đạo thực hiện nhiệm vụ quý I năm 2026"),
        "sections": {"type": "items", "label": "Các phần", "min_items": 1, "max_items": 20, "required": True,
                     "help": "Mỗi phần: tiêu đề (ví dụ I. KẾT QUẢ …) và nội dung.",
                     "item_fields": {"heading": text("Tiêu đề", max_length=300),
                                     "text": paragraphs("Nội dung")}},
        **recipients("{superior_body} (b/c)"), **SIGNER, **ISSUER_SIGNING_BODY,
    }, _report),
    Definition("cong-van", "Công văn", "cong_van", ("chi_bo", "dang_bo_co_so", "dang_uy"), "Công văn V/v",
               "subject", {
                   **DATE,
                   "subject": text("Trích yếu (V/v)", "Ví dụ: đề nghị cung cấp hồ sơ đảng viên chuyển đến"),
                   "addressees": items("Kính gửi", "Mỗi dòng một nơi nhận chính.", required=True, min_items=1,
                                       max_items=10),
                   "content": paragraphs("Nội dung"),
                   **recipients("Như trên"), **SIGNER, **ISSUER_SIGNING_BODY,
               }, _official_letter),
    Definition("giay-gioi-thieu-sinh-hoat-dang", "Giấy giới thiệu sinh hoạt đảng", "giay_gioi_thieu",
               ("dang_bo_co_so", "dang_uy"), "Giấy giới thiệu sinh hoạt đảng", "person_name", {
                   **DATE,
                   "transfer": choice("Loại", ["chinh_thuc", "tam_thoi"], "chinh_thuc",
                                      "chinh_thuc: chuyển sinh hoạt chính thức; tam_thoi: sinh hoạt tạm thời."),
                   "addressee": text("Kính gửi", "Cấp ủy nơi đến, ví dụ: Đảng ủy phường Đông Hòa.", max_length=300),
                   **person("Đảng viên"),
                   "member_status": choice("Đảng viên", ["chính thức", "dự bị"], "chính thức"),
                   "admitted_on": day("Ngày vào Đảng"), "official_on": day("Ngày chính thức", required=False),
                   "card_number": text("Số thẻ đảng viên", "NN.NNNNNN", required=False, max_length=16),
                   "from_chi_bo": text("Đang sinh hoạt tại", max_length=300),
                   "to_org": text("Nơi đến", max_length=300),
                   "reason": text("Lý do", "Ví dụ: chuyển nơi cư trú", max_length=500),
                   "dues_paid_through": text("Đã đóng đảng phí đến hết", "Ví dụ: tháng 02 năm 2026", max_length=100),
                   "valid_until": day("Giấy có giá trị đến ngày"),
                   **recipients("Như trên", "{from_chi_bo}"), **SIGNER,
               }, _introduction, member_event="transfer"),
]


MINUTES_EXAMPLE = {
    "date": "2026-02-05", "summary": "sinh hoạt chi bộ thường kỳ tháng 02 năm 2026",
    "opening": "Vào hồi 19 giờ 30 phút, ngày 05 tháng 02 năm 2026, tại Nhà văn hóa Khu phố 1, Chi bộ Khu phố 1 "
               "tiến hành sinh hoạt chi bộ thường kỳ tháng 02 năm 2026.",
    "chair": "đồng chí Nguyễn Văn Hùng, Bí thư chi bộ", "minute_taker": "đồng chí Trần Thị Thu Hà, Phó Bí thư chi bộ",
    "guests": ["Đồng chí Trần Văn Bảy, Đảng ủy viên phụ trách địa bàn"],
    # the figures of a real roll call (tests/unit/test_examples.py recomputes them from one)
    "composition": "Tổng số đảng viên của chi bộ: 28 đồng chí (chính thức 25, dự bị 3); đảng viên nơi khác đến "
                   "sinh hoạt tạm thời: 0 đồng chí.\n"
                   "Có mặt: 24 đồng chí (chính thức 21, dự bị 3).\n"
                   "Vắng mặt có lý do: 3 đồng chí (Lê Văn Tư – ốm; Phạm Thị Năm – đi công tác; "
                   "Hoàng Văn Sáu – việc gia đình).\n"
                   "Vắng mặt không có lý do: 1 đồng chí (Đỗ Văn Bảy).\n"
                   "Số đảng viên chính thức phải triệu tập: 25 đồng chí; có mặt 21 đồng chí (84%); mức tối thiểu để "
                   "tiến hành: 17 đồng chí (2/3), theo mức chi bộ áp dụng (chưa có quy định chung của Trung ương về "
                   "số lượng này). Cuộc họp đủ số lượng theo mức trên.\n"
                   "Số đảng viên chính thức được tính để biểu quyết: 22 đồng chí (có mặt 21 đồng chí).",
    "contents": [{"heading": "Đánh giá kết quả thực hiện nhiệm vụ tháng 01/2026",
                  "text": "Đồng chí Bí thư trình bày báo cáo của chi ủy.",
                  "speakers": ["Đồng chí Lê Quang Vinh: đề nghị tổng vệ sinh khu phố trước Tết.",
                               "Đồng chí Trần Văn Bảy: ghi nhận kết quả, đề nghị chú ý phát triển đảng viên."]}],
    "conclusion": "Chi bộ thống nhất đánh giá hoàn thành tốt nhiệm vụ tháng 01/2026.",
    "votes": "Biểu quyết thông qua nghị quyết: 20/22 đồng chí tán thành (90,9%), 0 đồng chí không tán thành, "
             "1 đồng chí không biểu quyết — thông qua.",
    "closing": "Cuộc họp kết thúc vào hồi 21 giờ 30 phút cùng ngày. Biên bản đã được đọc lại trước chi bộ và được "
               "nhất trí thông qua.",
    "minute_taker_name": "Trần Thị Thu Hà", "chair_name": "Nguyễn Văn Hùng",
}
SIGNED = {"signer_name": "Nguyễn Văn Hùng"}
VOTED = {"meeting_date": "2026-02-05", "members_total": 21, "members_present": 20, "votes_for": 19}
DECIDED = {"date": "2026-03-02", "signer_name": "Phạm Văn Đức"}
KP1 = {"chi_bo": "Chi bộ Khu phố 1"}
EXAMPLES: dict[str, dict[str, Any]] = {
    "bien-ban-sinh-hoat-chi-bo": MINUTES_EXAMPLE,
    "bien-ban-sinh-hoat-chuyen-de": {**MINUTES_EXAMPLE, "summary": "sinh hoạt chuyên đề quý I năm 2026",
                                     "topic": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về "
                                              "tinh thần trách nhiệm của người đảng viên", "votes": None},
    "nghi-quyet-chi-bo": {"date": "2026-02-05", "subject": "về lãnh đạo thực hiện nhiệm vụ tháng 02/2026",
                          "results": "Chi bộ lãnh đạo đảng viên hoàn thành tốt nhiệm vụ tháng 01/2026.\n"
                                     "An ninh trật tự, vệ sinh môi trường được giữ vững.",
                          "shortcomings": "Một số đảng viên cao tuổi chưa sử dụng thành thạo Sổ tay đảng viên điện tử.",
                          "tasks": ["Tổ chức cho nhân dân đón Tết Bính Ngọ vui tươi, an toàn, tiết kiệm.",
                                    "Hoàn thành thu đảng phí quý I năm 2026."], **SIGNED},
    "nghi-quyet-de-nghi-ket-nap": {"date": "2026-02-05", "person_name": "Nguyễn Thị Mai Anh",
                                   "birth_date": "1998-04-12", "hometown": "phường An Phú, tỉnh Lam Sơn",
                                   "occupation": "giáo viên Trường Tiểu học An Phú", **VOTED,
                                   "remarks": "Có lập trường tư tưởng vững vàng, chấp hành tốt chủ trương của Đảng.\n"
                                              "Gương mẫu trong công tác, được quần chúng tín nhiệm.",
                                   "helpers": ["Trần Thị Thu Hà", "Lê Quang Vinh"], **SIGNED},
    "nghi-quyet-cong-nhan-chinh-thuc": {"date": "2026-03-05", "person_name": "Đặng Minh Tuấn",
                                        "birth_date": "1998-09-09", "hometown": "phường An Phú, tỉnh Lam Sơn",
                                        **VOTED, "meeting_date": "2026-03-05", "admitted_on": "2025-03-01",
                                        "admission_decision": "Quyết định số 15-QĐ/ĐU ngày 20/02/2025 của Ban Thường "
                                                              "vụ Đảng ủy phường An Phú",
                                        "official_from": "2026-03-01",
                                        "remarks": "Trong thời gian dự bị, đồng chí hoàn thành tốt nhiệm vụ được giao.",
                                        **SIGNED},
    "nghi-quyet-mien-sinh-hoat": {"date": "2026-02-05", "person_name": "Hoàng Đức Thắng", "birth_date": "1945-06-30",
                                  "hometown": "phường An Phú, tỉnh Lam Sơn", **VOTED,
                                  "reasons": "Đồng chí tuổi cao (81 tuổi), sức khỏe yếu, có giấy xác nhận của Trung "
                                             "tâm Y tế phường; tự nguyện làm đơn đề nghị.",
                                  "from_date": "2026-03-01", **SIGNED},
    "nghi-quyet-de-nghi-xoa-ten": {"date": "2026-02-05", "person_name": "Cao Văn Đạt", "birth_date": "1970-12-30",
                                   **VOTED, "remarks": "Từ tháng 9/2025 đồng chí không dự sinh hoạt chi bộ và không "
                                                       "đóng đảng phí; chi bộ đã cử đồng chí Bí thư gặp gỡ, nhắc nhở "
                                                       "hai lần nhưng đồng chí không chuyển biến.",
                                   "reason": REMOVAL_REASONS[0], **SIGNED},
    "nghi-quyet-ky-luat-chi-bo": {"date": "2026-02-05", "person_name": "Bùi Văn Lợi", **VOTED,
                                  "discipline": "khiển trách",
                                  "violation": "không thực hiện nhiệm vụ đảng viên được chi bộ phân công trong quý IV "
                                               "năm 2025.", **SIGNED},
    "nghi-quyet-dang-uy-ket-nap": {**DECIDED, **KP1, "person_name": "Nguyễn Thị Mai Anh", "birth_date": "1998-04-12",
                                   "hometown": "phường An Phú, tỉnh Lam Sơn",
                                   "occupation": "giáo viên Trường Tiểu học An Phú", "meeting_date": "2026-02-26",
                                   "members_total": 15, "members_present": 14, "votes_for": 13,
                                   "proposal": "Nghị quyết số 02-NQ/CB ngày 05/02/2026 của Chi bộ Khu phố 1"},
    "nghi-quyet-dang-uy-cong-nhan": {**DECIDED, **KP1, "person_name": "Đặng Minh Tuấn", "birth_date": "1998-09-09",
                                     "hometown": "phường An Phú, tỉnh Lam Sơn", "admitted_on": "2025-03-01",
                                     "meeting_date": "2026-03-26", "date": "2026-03-26",
                                     "members_total": 15, "members_present": 15, "votes_for": 15,
                                     "proposal": "Nghị quyết số 04-NQ/CB ngày 05/03/2026 của Chi bộ Khu phố 1"},
    "quyet-dinh-ket-nap": {**DECIDED, **KP1, "person_name": "Nguyễn Thị Mai Anh", "birth_date": "1998-04-12",
                           "hometown": "phường An Phú, tỉnh Lam Sơn",
                           "proposal": "Nghị quyết số 02-NQ/CB ngày 05/02/2026 của Chi bộ Khu phố 1"},
    "quyet-dinh-cong-nhan-chinh-thuc": {**DECIDED, "date": "2026-03-30", **KP1, "person_name": "Đặng Minh Tuấn",
                                        "birth_date": "1998-09-09", "hometown": "phường An Phú, tỉnh Lam Sơn",
                                        "admitted_on": "2025-03-01",
                                        "proposal": "Nghị quyết số 04-NQ/CB ngày 05/03/2026 của Chi bộ Khu phố 1"},
    "quyet-dinh-khen-thuong": {**DECIDED, "achievement": "hoàn thành xuất sắc nhiệm vụ năm 2025",
                               "awardees": ["Trần Thị Thu Hà, đảng viên Chi bộ Khu phố 1",
                                            "Lê Thị Thanh Tâm, đảng viên Chi bộ Trường Tiểu học An Phú"]},
    "quyet-dinh-ky-luat": {**DECIDED, **KP1, "person_name": "Bùi Văn Lợi", "discipline": "khiển trách",
                           "violation": "không thực hiện nhiệm vụ đảng viên được chi bộ phân công trong năm 2025."},
    "quyet-dinh-xoa-ten": {**DECIDED, "chi_bo": "Chi bộ Khu phố 3", "person_name": "Cao Văn Đạt",
                           "birth_date": "1970-12-30", "reason": REMOVAL_REASONS[0],
                           "proposal": "Nghị quyết số 02-NQ/CB ngày 05/02/2026 của Chi bộ Khu phố 3"},
    "quyet-dinh-xoa-ten-du-bi": {**DECIDED, **KP1, "person_name": "Lưu Văn Hậu", "birth_date": "1996-02-14",
                                 "admitted_on": "2025-01-10",
                                 "reason": "trong thời gian dự bị không thực hiện nhiệm vụ được chi bộ phân công, vi "
                                           "phạm quy định về những điều đảng viên không được làm.",
                                 "proposal": "Nghị quyết số 03-NQ/CB ngày 20/02/2026 của Chi bộ Khu phố 1"},
    "bao-cao": {"date": "2026-03-31", "subject": "kết quả lãnh đạo thực hiện nhiệm vụ quý I năm 2026",
                "sections": [{"heading": "I. KẾT QUẢ ĐẠT ĐƯỢC",
                              "text": "Chi bộ duy trì sinh hoạt đều đặn 3/3 kỳ; tỷ lệ đảng viên dự họp bình quân 92%."},
                             {"heading": "II. NHIỆM VỤ QUÝ II NĂM 2026",
                              "text": "Tiếp tục rà soát, sàng lọc đảng viên; chuẩn bị kết nạp 01 quần chúng ưu tú."}],
                **SIGNED},
    "cong-van": {"date": "2026-03-10", "subject": "đề nghị cung cấp hồ sơ đảng viên chuyển đến",
                 "addressees": ["Đảng ủy phường Đông Hòa"],
                 "content": "Chi bộ Khu phố 1 nhận được giấy giới thiệu sinh hoạt đảng của đồng chí Phan Thị Yến.\n"
                            "Đề nghị Đảng ủy phường Đông Hòa chuyển hồ sơ đảng viên của đồng chí theo quy định.",
                 **SIGNED},
    "giay-gioi-thieu-sinh-hoat-dang": {"date": "2026-03-12", "addressee": "Đảng ủy phường Đông Hòa",
                                       "person_name": "Cao Văn Đạt", "birth_date": "1970-12-30",
                                       "hometown": "phường An Phú, tỉnh Lam Sơn", "admitted_on": "1995-05-19",
                                       "official_on": "1996-05-19", "card_number": "27.100866",
                                       "from_chi_bo": "Chi bộ Khu phố 3", "to_org": "Đảng bộ phường Đông Hòa",
                                       "reason": "chuyển nơi cư trú", "dues_paid_through": "tháng 02 năm 2026",
                                       "valid_until": "2026-04-12", "signer_name": "Phạm Văn Đức"},
}


def _manifest(definition: Definition) -> dict[str, Any]:
    example = {k: v for k, v in EXAMPLES[definition.key].items() if v is not None}
    return {"key": definition.key, "title": definition.title, "doc_type": definition.doc_type,
            "version": VERSION, "issuer_kinds": list(definition.issuer_kinds),
            "title_prefix": definition.title_prefix, "title_field": definition.title_field,
            "fields": definition.fields, "example": example,
            **({"vote_rule": definition.vote_rule} if definition.vote_rule else {}),
            **({"member_event": definition.member_event} if definition.member_event else {}),
            **({"acts_on": list(definition.acts_on)} if definition.acts_on else {})}


def main() -> None:
    profile = current_profile()
    for definition in DEFINITIONS:
        manifest = Manifest.model_validate(_manifest(definition))
        fields_model(manifest).model_validate(manifest.example)  # an example that does not validate stops the build
        folder = HERE / definition.key
        page = Layout(profile)
        definition.lay_out(page)
        page.save(folder / "template.docx", definition.title)
        text = json.dumps(_manifest(definition), ensure_ascii=False, indent=2) + "\n"
        (folder / "manifest.json").write_text(text, encoding="utf-8")
        print(f"built {definition.key}")


if __name__ == "__main__":
    main()
