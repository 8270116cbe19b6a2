"""A judged relevance set: Vietnamese records written for it, generated distractors around them, and
queries with the records that answer them — typed with and without diacritics, in the old tone
placement, decomposed (NFD), as document numbers in other forms, as phrases, with exclusions and
filters. Used by tests/integration/test_relevance.py (thresholds) and bench/relevance.py (figures).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass, field

# key: (title, text, doc_type, date, number, org) — org is "dong", "tay" or "root"
RECORDS: dict[str, tuple[str, str, str, dt.date, str | None, str]] = {
    "sang-loc-2019": ("Nghị quyết về rà soát, sàng lọc đảng viên năm 2019",
                      "Chi bộ thống nhất rà soát, sàng lọc đảng viên, kiên quyết đưa những đảng viên không đủ tư cách "
                      "ra khỏi Đảng theo Hướng dẫn của Ban Tổ chức Trung ương.", "nghi_quyet", dt.date(2019, 4, 2),
                      "03-NQ/CB", "dong"),
    "sang-loc-bao-cao": ("Báo cáo kết quả sàng lọc đảng viên năm 2021",
                         "Qua rà soát, chi bộ đã xem xét hai trường hợp đảng viên vi phạm tư cách.", "bao_cao",
                         dt.date(2021, 12, 5), "11-BC/CB", "dong"),
    "xoa-ten": ("Quyết định xoá tên đảng viên Trần Văn Bình",
                "Đảng ủy quyết định xoá tên đảng viên Trần Văn Bình khỏi danh sách đảng viên vì bỏ sinh hoạt "
                "đảng quá ba tháng không có lý do.", "quyet_dinh", dt.date(2018, 7, 9), "15-QĐ/ĐU", "root"),
    "hoa-giai": ("Biên bản hoà giải tranh chấp đất đai ở thôn Tây",
                 "Tổ hoà giải đã hoà giải thành công vụ tranh chấp ranh giới đất giữa hai hộ gia đình.", "bien_ban",
                 dt.date(2020, 3, 14), None, "tay"),
    "thuy-loi": ("Kế hoạch tu bổ công trình thuỷ lợi nội đồng",
                 "Huy động đoàn viên, hội viên nạo vét kênh mương thuỷ lợi trước mùa mưa lũ.", "ke_hoach",
                 dt.date(2022, 4, 20), "07-KH/CB", "tay"),
    "nq21-thuc-hien": ("Kế hoạch thực hiện Nghị quyết số 21-NQ/TW",
                       "Chi bộ xây dựng kế hoạch thực hiện Nghị quyết số 21-NQ/TW của Ban Chấp hành Trung ương về "
                       "tăng cường củng cố, xây dựng tổ chức cơ sở đảng.", "ke_hoach", dt.date(2022, 9, 1),
                       "09-KH/CB", "dong"),
    "nq21": ("Nghị quyết Hội nghị lần thứ năm Ban Chấp hành Trung ương khóa XIII",
             "Về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên.",
             "nghi_quyet", dt.date(2022, 6, 16), "21-NQ/TW", "root"),
    "dang-thi-cong": ("Thông báo về công trình nhà văn hóa",
                      "Công trình nhà văn hóa thôn đang thi công, dự kiến hoàn thành trong quý IV.", "thong_bao",
                      dt.date(2023, 8, 8), None, "tay"),
    "da-dang": ("Báo cáo đa dạng hóa sinh kế cho hộ nghèo",
                "Các mô hình đa dạng hóa cây trồng, vật nuôi giúp hộ nghèo tăng thu nhập.", "bao_cao",
                dt.date(2023, 2, 2), "02-BC/CB", "tay"),
    "khuyen-hoc": ("Báo cáo công tác khuyến học năm 2020",
                   "Quỹ khuyến học của thôn trao học bổng cho học sinh vượt khó, học giỏi.", "bao_cao",
                   dt.date(2020, 12, 20), None, "dong"),
    "ky-luat-dieu-5": ("Quyết định thi hành kỷ luật đảng viên",
                       "Căn cứ Điều 5 Quy định về xử lý kỷ luật đảng viên vi phạm, thi hành kỷ luật khiển trách "
                       "đối với đồng chí Lê Văn Cường.", "quyet_dinh", dt.date(2021, 5, 25), "22-QĐ/ĐU", "root"),
    "y-kien": ("Biên bản lấy ý kiến chi bộ nơi cư trú",
               "Chi bộ nơi cư trú cho ý kiến nhận xét đảng viên đang công tác ở cơ quan.", "bien_ban",
               dt.date(2019, 11, 2), None, "dong"),
    "chuyen-doi-so": ("Nghị quyết về chuyển đổi số trong hoạt động của chi bộ",
                      "Đẩy mạnh chuyển đổi số, ứng dụng sổ tay đảng viên điện tử trong sinh hoạt chi bộ.",
                      "nghi_quyet", dt.date(2024, 1, 10), "01-NQ/CB", "dong"),
    "so-tay": ("Báo cáo chuyển giao sổ sách",
               "Chuyển sổ theo dõi đảng phí cho đồng chí chi ủy viên mới; số liệu được đối chiếu đầy đủ.",
               "bao_cao", dt.date(2024, 3, 3), None, "dong"),
    "ket-nap": ("Nghị quyết đề nghị kết nạp quần chúng Nguyễn Thị Hoa vào Đảng",
                "Chi bộ biểu quyết đề nghị kết nạp quần chúng ưu tú Nguyễn Thị Hoa vào Đảng Cộng sản Việt Nam.",
                "nghi_quyet", dt.date(2020, 5, 19), "04-NQ/CB", "tay"),
    "dang-phi": ("Thông báo về thu, nộp đảng phí",
                 "Đảng viên đóng đảng phí hằng tháng theo quy định; chi ủy tổng hợp và nộp lên cấp trên.",
                 "thong_bao", dt.date(2019, 1, 15), None, "root"),
    "an-ninh": ("Báo cáo tình hình an ninh trật tự quý II",
                "Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn ổn định.", "bao_cao",
                dt.date(2023, 7, 1), None, "root"),
    "moi-truong": ("Kế hoạch bảo vệ môi trường, xây dựng nông thôn mới",
                   "Ra quân vệ sinh môi trường, thu gom rác thải, trồng cây xanh dọc đường thôn.", "ke_hoach",
                   dt.date(2021, 3, 26), "05-KH/CB", "dong"),
    "thien-tai": ("Phương án phòng chống thiên tai và tìm kiếm cứu nạn",
                  "Chuẩn bị lực lượng, phương tiện phòng chống lụt bão, di dời hộ dân vùng trũng.", "khac",
                  dt.date(2020, 9, 9), None, "root"),
    "nfd-thu-ly": (unicodedata.normalize("NFD", "Biên bản họp xét thủ tục chuyển sinh hoạt đảng"),
                   unicodedata.normalize("NFD", "Giới thiệu đảng viên chuyển sinh hoạt đảng chính thức đến đảng "
                                                "bộ phường mới."), "bien_ban", dt.date(2018, 10, 10), None, "tay"),
    "uy-ban": ("Thông báo kết luận của Uỷ ban kiểm tra Đảng ủy",
               "Uỷ ban kiểm tra kết luận đảng viên đã khắc phục thiếu sót về kê khai tài sản.", "thong_bao",
               dt.date(2022, 11, 11), "05-TB/UBKT", "root"),
    "hoc-tap-bac": ("Kế hoạch học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                    "Mỗi đảng viên đăng ký một việc làm cụ thể làm theo gương Bác.", "ke_hoach",
                    dt.date(2021, 2, 2), "02-KH/CB", "tay"),
}

# (query, relevant keys, filters)
QUERIES: list[tuple[str, set[str], dict]] = [
    ("sàng lọc đảng viên", {"sang-loc-2019", "sang-loc-bao-cao"}, {}),
    ("sang loc dang vien", {"sang-loc-2019", "sang-loc-bao-cao"}, {}),
    ("sàng lọc đảng viên năm 2019", {"sang-loc-2019"}, {}),
    ("nghị quyết sàng lọc", {"sang-loc-2019"}, {}),
    ("xóa tên đảng viên", {"xoa-ten"}, {}),
    ("xoa ten dang vien", {"xoa-ten"}, {}),
    ("xoá tên", {"xoa-ten"}, {}),
    ("hòa giải", {"hoa-giai"}, {}),
    ("hoà giải", {"hoa-giai"}, {}),
    ("hoa giai tranh chap", {"hoa-giai"}, {}),
    ("thủy lợi", {"thuy-loi"}, {}),
    ("thuỷ lợi nội đồng", {"thuy-loi"}, {}),
    ("thuy loi", {"thuy-loi"}, {}),
    ("21-NQ/TW", {"nq21", "nq21-thuc-hien"}, {}),
    ("21 NQ TW", {"nq21", "nq21-thuc-hien"}, {}),
    ("số 21/NQ-TW", {"nq21", "nq21-thuc-hien"}, {}),
    ("15-QĐ/ĐU", {"xoa-ten"}, {}),
    ("15 QD DU", {"xoa-ten"}, {}),
    ("đang thi công", {"dang-thi-cong"}, {}),
    ("đa dạng hóa", {"da-dang"}, {}),
    ("da dang hoa", {"da-dang"}, {}),
    ("khuyến học", {"khuyen-hoc"}, {}),
    ("khuyen hoc hoc bong", {"khuyen-hoc"}, {}),
    ("Điều 5 kỷ luật", {"ky-luat-dieu-5"}, {}),
    ("ky luat khien trach", {"ky-luat-dieu-5"}, {}),
    ("ý kiến nơi cư trú", {"y-kien"}, {}),
    ('"chuyển đổi số"', {"chuyen-doi-so"}, {}),
    ('"chuyen doi so"', {"chuyen-doi-so"}, {}),
    ("sổ tay đảng viên", {"chuyen-doi-so"}, {}),
    ("kết nạp quần chúng", {"ket-nap"}, {}),
    ("ket nap Nguyen Thi Hoa", {"ket-nap"}, {}),
    ("đảng phí", {"dang-phi", "so-tay"}, {}),
    ("dang phi -so", {"dang-phi"}, {}),
    ("an ninh trật tự", {"an-ninh"}, {}),
    ("vệ sinh môi trường", {"moi-truong"}, {}),
    ("phòng chống thiên tai", {"thien-tai"}, {}),
    ("chuyển sinh hoạt đảng", {"nfd-thu-ly"}, {}),
    (unicodedata.normalize("NFD", "chuyển sinh hoạt"), {"nfd-thu-ly"}, {}),
    ("uỷ ban kiểm tra", {"uy-ban"}, {}),
    ("ủy ban kiểm tra kết luận", {"uy-ban"}, {}),
    ("làm theo tư tưởng Hồ Chí Minh", {"hoc-tap-bac"}, {}),
    ("lam theo guong Bac", {"hoc-tap-bac"}, {}),
    ("sàng lọc", {"sang-loc-bao-cao"}, {"doc_type": "bao_cao"}),
    ("đảng viên", {"sang-loc-2019"}, {"year": 2019, "doc_type": "nghi_quyet"}),
    ("tổ chức cơ sở đảng", {"nq21", "nq21-thuc-hien"}, {}),
    ("tổ chức cơ sở đảng", {"nq21-thuc-hien"}, {"organization": "dong"}),
    # one folded form, several Vietnamese words: the form typed must come first
    ("đang", {"dang-thi-cong", "y-kien"}, {}),
    ("dạng", {"da-dang"}, {}),
    ("văn hóa", {"dang-thi-cong"}, {}),
    ("hòa", {"hoa-giai"}, {}),
    ("sổ", {"so-tay", "chuyen-doi-so"}, {}),
]

# typed with diacritics where folding merges several words: the exact form must rank first
EXACT_FIRST = {"đang", "dạng", "văn hóa", "hòa", "sổ", "đang thi công", "đa dạng hóa", "hoà giải"}

DISTRACTOR_SENTENCES = [
    "Chi bộ đã lãnh đạo đảng viên và quần chúng thực hiện tốt nhiệm vụ chính trị của địa phương.",
    "Đồng chí Bí thư chi bộ quán triệt nội dung nghị quyết của cấp ủy cấp trên.",
    "Các đồng chí đảng viên phát biểu ý kiến, thống nhất với dự thảo báo cáo.",
    "Công tác kiểm tra, giám sát được thực hiện theo đúng kế hoạch đề ra.",
    "Một số đảng viên chưa thực hiện đầy đủ chế độ sinh hoạt, cần được nhắc nhở.",
    "Hội nghị thống nhất biểu quyết thông qua nghị quyết với tỷ lệ tán thành cao.",
    "Phong trào thi đua yêu nước được đẩy mạnh, nhiều mô hình hay được nhân rộng.",
    "Ban Chi ủy họp định kỳ hằng tháng để đánh giá kết quả thực hiện nhiệm vụ.",
    "Chi bộ tổ chức học tập, quán triệt các chỉ thị, nghị quyết mới của Trung ương.",
    "Kết quả đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm qua đạt khá.",
    "Đảng viên đi làm ăn xa được quản lý chặt chẽ qua giấy giới thiệu sinh hoạt tạm thời.",
    "Thôn tổ chức ngày hội đại đoàn kết toàn dân tộc vui tươi, tiết kiệm.",
]


@dataclass
class Judged:
    records: list[dict] = field(default_factory=list)  # dicts for Record(**…) without organization_id
    keys: dict[str, int] = field(default_factory=dict)  # key → position in records


def distractors(count: int, seed: int = 5) -> list[tuple[str, str, str, dt.date, None, str]]:
    rng = random.Random(seed)
    kinds = ["nghi_quyet", "bien_ban", "bao_cao", "ke_hoach", "thong_bao"]
    made = []
    for i in range(count):
        text = " ".join(rng.choice(DISTRACTOR_SENTENCES) for _ in range(rng.randint(4, 12)))
        made.append((f"Văn bản sinh hoạt thường kỳ số {i + 100}", text, rng.choice(kinds),
                     dt.date(2015 + i % 10, 1 + i % 12, 1 + i % 28), None, rng.choice(["dong", "tay", "root"])))
    return made


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / (i + 1) for i, key in enumerate(ranked) if key in relevant), 0.0)


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gain = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def first_relevant_rank(ranked: list[str], relevant: set[str]) -> int | None:
    return next((i + 1 for i, key in enumerate(ranked) if key in relevant), None)
