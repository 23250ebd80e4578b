"""From words to a point: the place a caller describes, matched against the station's
gazetteer, and refined to a standard address when the words name its number or building.

rapidfuzz scores the names (on SQLite and PostgreSQL alike): the gazetteer holds names, a
few thousand per station, kept in memory, so one pass over them takes a millisecond or two
and needs no database extension; what lies below a road in the registry (number, building,
unit) is numbers, found through an index (registry_address community/road/number).

A score is out of 100: how well the entry's name lies within the words (rapidfuzz's
partial ratio, which forgives the words around it and a wrong character), how much of the
words it explains (the plain ratio: 迎新村村口小卖部 beats 迎新村 for those words), and
whether the numbers agree (3组 against 5组 is another place, however alike the text).
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .gazetteer import Entry, Gazetteer, for_station
from .normalize import Parsed, parse

CANDIDATES = 40
SURE = 80  # from here the desk is shown the match as sure; below, "check the pin"
ENOUGH = 65  # below this nothing is filled in: two names sharing one of two characters score 62
NO_PLACE = {"不详", "未知", "不知道", "不清楚", "无", "没说"}  # what the desk types for "unknown"
_CLAUSE_SPLIT = "，,。；;！!？?\n、"


@dataclass(frozen=True)
class Match:
    name: str  # what was recognised, as the desk reads it
    kind: str  # community, road, post, station, unit, landmark, address
    latitude: float
    longitude: float
    community_id: int | None
    community_name: str
    score: int  # 0–100
    address_id: int | None = None
    alternatives: list[tuple[str, int]] = field(default_factory=list)

    @property
    def sure(self) -> bool:
        return self.score >= SURE


def _closeness(entry: str, words: str) -> float:
    if not entry or not words:
        return 0.0
    return 0.7 * fuzz.partial_ratio(entry, words) + 0.3 * fuzz.ratio(entry, words)


def _score(entry: Entry, words: Parsed) -> float:
    score = _closeness(entry.parsed.name, words.name)
    if entry.turned:  # a road said before its village: 渝州路铝城居委会
        score = max(score, _closeness(entry.turned, words.name))
    # A character mistyped for one that sounds the same (连合村 for 联合村, 百彭 for 白彭)
    # is closer in pinyin, a little below a match in characters; only where some
    # characters agree too and the sounds nearly so, since short names sound alike by
    # chance (不详 and binjiang, 新华 and yingxin).
    if score >= 40:
        sound = _closeness(entry.parsed.sound, words.sound)
        if sound >= 85:
            score = max(score, sound - 8)
    for unit, number in entry.parsed.parts.items():
        said = words.parts.get(unit)
        if said is None:
            score -= 15  # the entry is more precise than the words
        elif said == number:
            score += 6
        else:
            score -= 40  # another group or building: another place
    return score  # above 100 when the numbers agree too: ranks 迎新村3组 over 迎新村


def _percent(score: float) -> int:
    return round(max(0.0, min(100.0, score)))


def _clauses(text: str) -> list[str]:
    pieces = [text]
    for separator in _CLAUSE_SPLIT:
        pieces = [part for piece in pieces for part in piece.split(separator)]
    pieces = [piece.strip() for piece in pieces if piece.strip()]
    return [text, *pieces[:4]] if len(pieces) > 1 else [text]


def _ranked(gazetteer: Gazetteer, words: Parsed) -> list[tuple[float, Entry]]:
    if not words.name or words.name in NO_PLACE:
        return []
    names: set[str] = set()
    for query, choices in ((words.name, gazetteer.keys), (words.sound, gazetteer.sounds)):
        found = process.extract(
            query, choices, scorer=fuzz.partial_ratio, limit=CANDIDATES, score_cutoff=40
        )
        names.update(gazetteer.keys[index] for _choice, _score_, index in found)
    # Names shared by several entries (a village and its groups): all of them are candidates.
    candidates = [entry for entry in gazetteer.entries if entry.parsed.name in names]
    return sorted(((_score(entry, words), entry) for entry in candidates), key=lambda s: -s[0])


def match_place(*, station, text: str) -> Match | None:
    """The best place of `station` for `text`, or None when nothing is close enough."""
    gazetteer = for_station(station)
    best: list[tuple[float, Entry]] = []
    best_words = Parsed("")
    for clause in _clauses(text[:200]):
        words = parse(clause, prefixes=gazetteer.prefixes)
        ranked = _ranked(gazetteer, words)
        if ranked and (not best or ranked[0][0] > best[0][0]):
            best, best_words = ranked, words
    if not best or best[0][0] < ENOUGH:
        return None
    score, entry = best[0]
    match = Match(
        name=entry.name,
        kind=entry.kind,
        latitude=entry.latitude,
        longitude=entry.longitude,
        community_id=entry.community_id,
        community_name=entry.community_name,
        score=_percent(score),
        alternatives=[(other.name, _percent(s)) for s, other in best[1:4] if s >= ENOUGH],
    )
    return refine(match, entry, best_words)


def refine(match: Match, entry: Entry, words: Parsed) -> Match:
    """Down to the standard address when the words name its number, building or unit."""
    from apps.registry.models import Address

    if entry.community_id is None or not {"号", "栋", "单元"} & words.parts.keys():
        return match
    addresses = Address.objects.filter(community_id=entry.community_id, latitude__isnull=False)
    for unit, field_name in (("号", "number"), ("栋", "building"), ("单元", "unit")):
        number = words.parts.get(unit)
        if number is not None:
            addresses = addresses.filter(**{f"{field_name}__in": [str(number), f"{number}{unit}"]})
    rows = addresses.order_by("room", "id").values("id", "text", "road", "latitude", "longitude")
    # The road as the entry has it, however the registry spells it (三组 or 3组).
    road = parse(entry.name.removeprefix(entry.community_name)) if entry.kind == "road" else None
    address = next((row for row in rows[:200] if road is None or parse(row["road"]) == road), None)
    if address is None:
        return match
    return Match(
        name=address["text"],
        kind="address",
        latitude=float(address["latitude"]),
        longitude=float(address["longitude"]),
        community_id=match.community_id,
        community_name=match.community_name,
        score=match.score,
        address_id=address["id"],
        alternatives=match.alternatives,
    )
