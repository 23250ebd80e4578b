"""What a caller says about a place, reduced to what can be compared: the name part and the
numbered parts (组, 号, 栋, 单元, 室).

Callers and desk officers write the same place many ways: 迎新村5组, 迎新五组, 西彭镇迎新村
五组, 迎新村 5 组, ５组迎新村. So both the gazetteer's names and the typed text go through the
same reduction: full-width to half-width (NFKC), Chinese numerals before a unit to digits
(三组 → 3组, 十二号 → 12号, 两单元 → 2单元), the unit's synonyms to one (幢, 号楼 → 栋; 社, 队 →
组), the administrative prefixes of the area dropped (重庆市, the district, the town), and
the generic words 村, 社区 and 居委会 dropped, since callers leave them out. The numbered
parts come out as a mapping, so their order in the text does not matter.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from pypinyin import lazy_pinyin

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9零〇一二两三四五六七八九十百]+"
# The longer unit first: 号楼 before 号.
_PART = re.compile(rf"({_NUMBER})(号楼|单元|组|号|栋|幢|室|社|队)")
UNIT = {"号楼": "栋", "幢": "栋", "社": "组", "队": "组"}
_GENERIC = re.compile(r"社区|居委会|村")
_NOT_WORD = re.compile(r"[^\w]|_")
PREFIXES = ("重庆市", "重庆")
_ADMINISTRATIVE = ("市", "区", "县", "镇", "街道", "乡")


def chinese_number(text: str) -> int | None:
    """12 for 12 or 十二, 23 for 二十三, 105 for 一百零五; None for what is not a number."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in "十百":
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


@dataclass(frozen=True)
class Parsed:
    name: str  # the words, numbered parts taken out
    parts: dict[str, int] = field(default_factory=dict)  # 组/号/栋/单元/室 → number

    @cached_property
    def sound(self) -> str:
        """The name's pinyin without tones: 连合 and 联合 sound alike (lianhe). Asked for
        only where sounds are compared: the registry's roads below a group never are."""
        return "".join(lazy_pinyin(self.name))


def parse(text: str, *, prefixes: tuple[str, ...] = ()) -> Parsed:
    """`text` reduced for comparison; `prefixes` are the area's administrative names
    (九龙坡区, 西彭镇) that callers may or may not say. A bare town name (西彭) is a prefix
    only before another name: 西彭园区警务站 is 园区警务站, but 歇台子社区 stays itself."""
    text = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))
    for prefix in (*PREFIXES, *prefixes):
        if prefix.endswith(_ADMINISTRATIVE):
            text = text.replace(prefix, "")
        elif text != prefix:
            text = re.sub(f"{re.escape(prefix)}(?!社区|村|居委会|街道|镇|乡)", "", text)
    parts: dict[str, int] = {}

    def take(found: re.Match) -> str:
        number = chinese_number(found[1])
        if number is None:
            return found[0]
        parts.setdefault(UNIT.get(found[2], found[2]), number)
        return " "

    name = _PART.sub(take, text)
    name = _GENERIC.sub("", name).replace(" ", "")
    return Parsed(name=name, parts=parts)
