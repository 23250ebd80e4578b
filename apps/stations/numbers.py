"""Official record numbers, written in this one place: the station's organ code
(公安机关机构代码, GA 380, twelve digits), the letters of the kind of record, the year and
the record's place in that year's sequence, zero-padded, e.g. 500107530100JQ2026000012.

Only digits and the two letters, so that a number reads aloud over a radio as it is
written ("…JQ, 2026, 12"), with nothing in pinyin. The sequence behind each number is taken
under a row lock in the transaction that saves the record (core.NumberSequence, taken by
core.services.next_number), so each station's numbers of a kind and year have no gaps.
"""

# The letters of each kind and the digits of its sequence.
SERIES_DIGITS = {
    "JQ": 6,  # 警情 incident
    "XS": 5,  # 刑事案件 criminal case
    "ZA": 5,  # 治安案件 public-security case
    "TJ": 6,  # 调解 dispute
    "PZ": 5,  # 居住凭证 residence certificate
    "JZ": 5,  # 居住证 residence permit
}


def number_prefix(station, series: str, year: int) -> str:
    """What every number of a station, kind and year starts with."""
    return f"{station.organ_code}{series}{year}"


def record_number(station, series: str, year: int, sequence: int) -> str:
    return f"{number_prefix(station, series, year)}{sequence:0{SERIES_DIGITS[series]}d}"
