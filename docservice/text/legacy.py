"""Text typed in the 1990s legacy encodings TCVN3 (ABC, .VnTime) and VNI (VNI-Times), back to Unicode.

Extracted from an old PDF, such text reads as Latin-1 look-alikes ("§¶ng viªn" for "đảng viên").
``repair_legacy`` decodes a text as each encoding and keeps the reading whose words are most often
valid Vietnamese syllables, only when it clearly beats the text as it is — so ordinary Unicode
Vietnamese (where "cá" is a real word) is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docservice.text.vietnamese import normalize

# TCVN3 (TCVN 5712:1993 VN3): one byte per lower-case letter; capitals with marks were typed with the
# capital font using the same codes, so they decode as lower case (restored from context below).
_TCVN3_LOWER = (
    "àµ á¸ ả¶ ã· ạ¹ ă¨ ằ» ắ¾ ẳ¼ ẵ½ ặÆ â© ầÇ ấÊ ẩÈ ẫÉ ậË đ® èÌ éÐ ẻÎ ẽÏ ẹÑ êª ềÒ ếÕ ểÓ ễÔ ệÖ "
    "ì× íÝ ỉØ ĩÜ ịÞ òß óã ỏá õâ ọä ô« ồå ốè ổæ ỗç ộé ơ¬ ờê ớí ởë ỡì ợî ùï úó ủñ ũò ụô ư\u00ad "
    "ừõ ứø ửö ữ÷ ựù ỳú ýý ỷû ỹü ỵþ"
)
_TCVN3_UPPER = "Ă¡ Â¢ Ê£ Ô¤ Ơ¥ Ư¦ Đ§"
TCVN3 = {pair[1]: pair[0] for pair in (_TCVN3_LOWER + " " + _TCVN3_UPPER).split()}

# VNI-Windows: a base letter, then a mark character; circumflex and breve fuse with the tone.
_TONES = "\u0301\u0300\u0309\u0303\u0323"  # sắc, huyền, hỏi, ngã, nặng
_VNI_TONE = dict(zip(_TONES, "ùøûõï", strict=True))
_VNI_CIRCUMFLEX_TONE = dict(zip(_TONES, "áàåãä", strict=True))
_VNI_BREVE_TONE = dict(zip(_TONES, "éèúüë", strict=True))
_VNI_I = dict(zip(_TONES, "íìæóò", strict=True))


def _vni_spelling(letter: str) -> str | None:
    """The VNI spelling of one lower-case Vietnamese letter, or None for letters VNI leaves alone."""
    if letter == "đ":
        return "ñ"
    parts = unicodedata.normalize("NFD", letter)
    base, marks = parts[0], parts[1:]
    tone = next((m for m in marks if m in _TONES), "")
    shape = next((m for m in marks if m not in _TONES), "")
    if shape == "\u0302":  # circumflex â ê ô
        return base + (_VNI_CIRCUMFLEX_TONE[tone] if tone else "â")
    if shape == "\u0306":  # breve ă
        return base + (_VNI_BREVE_TONE[tone] if tone else "ê")
    if shape == "\u031b":  # horn ơ ư
        return ("ô" if base == "o" else "ö") + (_VNI_TONE[tone] if tone else "")
    if not tone:
        return None
    if base == "i":
        return _VNI_I[tone]
    if base == "y" and tone == "\u0323":
        return "î"
    return base + _VNI_TONE[tone]


def _vni_table() -> dict[str, str]:
    letters = set()
    for base in "aeiouy":
        for shape in ("", "\u0302", "\u0306", "\u031b"):
            for tone in ("", *_TONES):
                letter = unicodedata.normalize("NFC", base + shape + tone)
                if len(letter) == 1:
                    letters.add(letter)
    letters.add("đ")
    table = {}
    for letter in letters:
        spelling = _vni_spelling(letter)
        if spelling:
            table[spelling] = letter
            table[spelling.upper()] = letter.upper()
    return table


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))

# Vietnamese syllables: onset + rhyme, at most one tone.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEUS = ("uyê|uya|uyu|iêu|yêu|oai|oay|oao|oeo|uôi|ươi|ươu|uây|uơ|uô|ươ|ưa|ưi|ưu|uê|uâ|uy|ui|ua|"
            "oa|oă|oe|oi|oo|ôi|ơi|iê|yê|ia|iu|eo|êu|ai|ao|au|ay|âu|ây|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y")
_CODA = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE = re.compile(rf"^(?:{_ONSET})?(?:{_NUCLEUS})(?:{_CODA})?$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_VIETNAMESE_LETTERS = set(TCVN3.values()) | {ch.upper() for ch in TCVN3.values()}
# Codes TCVN3 uses that are not themselves Vietnamese letters ("§", "¶", "ª" …): a sure sign of it.
_SUSPECT = set(TCVN3) - _VIETNAMESE_LETTERS


GOOD_UNICODE = 0.85


def may_be_legacy(text: str) -> bool:
    """A first look: characters only TCVN3 produces, or too few real Vietnamese syllables."""
    return any(ch in _SUSPECT for ch in text) or _score(text) < GOOD_UNICODE


def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case, NFC) is a possible Vietnamese syllable."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bool(_SYLLABLE.match(toneless))


def _score(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    valid = sum(is_syllable(w) for w in words)
    suspects = sum(ch in _SUSPECT for ch in text)
    return valid / len(words) - suspects / max(len(text), 1)


_HYPHENATED = re.compile(r"[^\W\d_]*(?:-[^\W\d_]*)+")


def _hyphen_as_u_horn(match: re.Match[str]) -> str:
    """TCVN3 "ư" is code 0xAD, which extractors often print as "-": "tr-êng" is "trường", "-u" "ưu".
    A hyphen between two real words ("tế-xã") stays."""
    token = match.group(0)
    parts = token.split("-")
    joined = "ư".join(parts)
    if any(parts) and is_syllable(joined) and not all(p and is_syllable(p) for p in parts):
        return joined
    return token


def decode_tcvn3(text: str) -> str:
    """TCVN3 look-alikes → Unicode, capitals restored from context."""
    decoded = "".join(TCVN3.get(ch, ch) for ch in text)
    return _restore_capitals(_HYPHENATED.sub(_hyphen_as_u_horn, decoded))


def decode_vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)


def _restore_capitals(text: str) -> str:
    """Capitals the legacy fonts could not carry: headers typed in the capital font, shouted words, and
    an accented first letter of a sentence. A plain (ASCII) letter kept its case in the file, so a line
    that starts with a lower-case one goes on a sentence and stays as it is."""
    lines: list[str] = []
    for line in text.split("\n"):
        ascii_letters = [ch for ch in line if ch.isascii() and ch.isalpha()]
        if ascii_letters and sum(ch.isupper() for ch in ascii_letters) >= 0.6 * len(ascii_letters):
            lines.append(line.upper())  # a header typed in the capital font
            continue
        line = _WORD.sub(lambda m: m.group(0).upper() if _shouted(m.group(0)) else m.group(0), line)
        line = re.sub(r"([.!?:]\s+)([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), line)
        previous = next((p.strip() for p in reversed(lines) if p.strip()), "")
        start = len(line) - len(line.lstrip())
        sentence = not previous or previous.endswith((".", "!", "?", ":"))
        if sentence and start < len(line) and not line[start].isascii():
            line = line[:start] + line[start].upper() + line[start + 1:]
        lines.append(line)
    return "\n".join(lines)


def _shouted(word: str) -> bool:
    """An all-capitals word whose accented letters came out lower case ("CéNG" → "CỘNG")."""
    capitals = [i for i, ch in enumerate(word) if ch.isascii() and ch.isupper()]
    lowers = [ch for ch in word if ch.isascii() and ch.islower()]
    return not lowers and (len(capitals) >= 2 or (len(capitals) == 1 and capitals[0] > 0))


@dataclass(frozen=True)
class Repair:
    text: str
    encoding: str | None  # "tcvn3", "vni" or None when the text was already Unicode


MARGIN = 0.25
HINTED_SLACK = 0.05


def repair_legacy(text: str, *, hint: str | None = None) -> Repair:
    """``text`` in Unicode NFC: decoded from TCVN3 or VNI when that reading is clearly Vietnamese.

    ``hint`` ("tcvn3"/"vni", from the PDF's font names): that decoding is taken unless it reads worse.
    """
    text = normalize(text)
    current = _score(text)
    best = Repair(text, None)
    best_score = current
    for encoding, decode in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
        candidate = normalize(decode(text))
        score = _score(candidate)
        if candidate == text:
            continue
        if hint == encoding and score >= current - HINTED_SLACK:
            return Repair(candidate, encoding)  # the fonts say so, and the reading is no worse
        if score > best_score and score - current >= MARGIN:
            best, best_score = Repair(candidate, encoding), score
    return best
