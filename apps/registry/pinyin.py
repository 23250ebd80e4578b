"""Names as the desk types them on a keyboard: the full pinyin without tones and the initials
(王小红 → wangxiaohong, wxh). Person keeps both in indexed columns (name_pinyin,
name_initials) and PersonFilter searches them by prefix.

The readings are pypinyin's, which reads a character as it is most often read. A family
name is often read otherwise (单 is dan in a word but Shan as a family name): the family
names below are read as family names.
"""

import re

from pypinyin import Style, lazy_pinyin

# Family names whose reading as a family name is not the character's usual one (compound
# family names such as 尉迟 and 长孙 are in pypinyin's phrases already).
FAMILY_NAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
}
NAME_PINYIN_LENGTH = 300  # 50 characters of at most six letters each
_LETTERS = re.compile(r"[a-z]+")


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, letters only. Letters written in the
    name itself (a foreign name) count as they are; the middle dot and spaces do not."""
    name = (name or "").strip()
    syllables: list[str] = []
    if len(name) > 1 and name[0] in FAMILY_NAME_READINGS:
        syllables, name = [FAMILY_NAME_READINGS[name[0]]], name[1:]
    for item in lazy_pinyin(name, style=Style.NORMAL, v_to_u=False):
        syllables.extend(_LETTERS.findall(item.lower()))
    full = "".join(syllables)[:NAME_PINYIN_LENGTH]
    initials = "".join(syllable[0] for syllable in syllables)[:50]
    return full, initials


def pinyin_query(text: str) -> str | None:
    """What a search typed in Latin letters looks for, as a name key ("Wang Xiaohong",
    "wang'xiao'hong" → wangxiaohong); None when the text is not letters only."""
    letters = re.sub(r"[\s'’·-]+", "", text).lower()
    return letters if letters.isascii() and letters.isalpha() else None
