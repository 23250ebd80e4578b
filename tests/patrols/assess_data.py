"""The hand-checked October 2026 of 九龙坡 for the assessment tests (times local).

Patrols of 西彭 (finished unless said; planned area → covered villages):
  P1 community officer        10-03 09:00–11:30  2.5 h  迎新村 → 迎新村, 泥璧村
  P2 community officer, desk  10-03 21:00–23:00  2 h    night  泥璧村 → 迎新村
  P3 community officer        10-10 05:30–07:00  1.5 h  night  迎新村 → –
  P4 desk                     10-31 23:00–01:00  2 h    night  – → 迎新村 (counts in October)
  P7 leader                   10-12 19:59–20:59  1 h    day    泥璧村 → 泥璧村
  not counted: P5 under way 10-05 (covers 迎新村), P6 finished 09-30 22:00–10-01 01:00.
Findings: F1 迎新村 10-05 open; F2 迎新村 10-06 handled 10-07; F3 迎新村 09-28 handled 10-02;
  F4 迎新村 10-20 handled 11-02 (all by the community officer); F5 泥璧村 10-08 open (leader).
Incidents in 迎新村: 10-01 00:30 and 10-15 (counted), 09-30 23:59 and 11-01 00:00 (not).
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apps.cases.models import Incident
from apps.core.testing.factories import CommunityFactory
from apps.patrols.models import Finding
from tests.patrols.factories import make_patrol

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class October:
    org: object
    nibi: object
    zhangping: object
    patrols: dict


def october_patrol(org, *, start, end, status="finished", **fields):
    """A patrol of the October scene, its times given as local wall-clock text."""
    return make_patrol(
        org,
        status=status,
        by=org.user("xipeng_leader"),
        start=local(start),
        end=local(end) if end else None,
        **fields,
    )


def make_finding(org, *, community, found_at, by, handled_at=None):
    return Finding.objects.create(
        station=community.station,
        community=community,
        kind="hazard",
        description="隐患",
        found_at=local(found_at),
        status="handled" if handled_at else "open",
        handled_at=local(handled_at) if handled_at else None,
        found_by=by,
    )


_numbers = iter(range(1, 10_000))


def make_incident(org, *, community, received_at, category=None):
    return Incident.objects.create(
        station=community.station,
        number=f"TEST-{next(_numbers):05d}",
        source="110",
        category=category,
        place_text="测试地点",
        community=community,
        received_at=local(received_at),
        received_by=org.user("xipeng_desk"),
    )


def build_october(org) -> October:
    nibi = CommunityFactory(station=org.xipeng, name="泥璧村")
    zhangping = CommunityFactory(station=org.shiqiaopu, name="张坪社区")
    yingxin = org.yingxin
    officer, desk, leader = (
        org.user("xipeng_community"),
        org.user("xipeng_desk"),
        org.user("xipeng_leader"),
    )
    patrols = {
        "P1": october_patrol(
            org,
            officers=[officer],
            planned=[yingxin],
            covered=[yingxin, nibi],
            start="2026-10-03 09:00",
            end="2026-10-03 11:30",
        ),
        "P2": october_patrol(
            org,
            officers=[officer, desk],
            planned=[nibi],
            covered=[yingxin],
            start="2026-10-03 21:00",
            end="2026-10-03 23:00",
        ),
        "P3": october_patrol(
            org,
            officers=[officer],
            planned=[yingxin],
            start="2026-10-10 05:30",
            end="2026-10-10 07:00",
        ),
        "P4": october_patrol(
            org,
            officers=[desk],
            covered=[yingxin],
            start="2026-10-31 23:00",
            end="2026-11-01 01:00",
        ),
        "P5": october_patrol(
            org,
            officers=[officer],
            covered=[yingxin],
            start="2026-10-05 09:00",
            end=None,
            status="active",
        ),
        "P6": october_patrol(
            org,
            officers=[officer],
            planned=[yingxin],
            covered=[yingxin],
            start="2026-09-30 22:00",
            end="2026-10-01 01:00",
        ),
        "P7": october_patrol(
            org,
            officers=[leader],
            planned=[nibi],
            covered=[nibi],
            start="2026-10-12 19:59",
            end="2026-10-12 20:59",
        ),
    }
    make_finding(org, community=yingxin, found_at="2026-10-05 10:00", by=officer)
    make_finding(
        org,
        community=yingxin,
        found_at="2026-10-06 10:00",
        by=officer,
        handled_at="2026-10-07 10:00",
    )
    make_finding(
        org,
        community=yingxin,
        found_at="2026-09-28 10:00",
        by=officer,
        handled_at="2026-10-02 10:00",
    )
    make_finding(
        org,
        community=yingxin,
        found_at="2026-10-20 10:00",
        by=officer,
        handled_at="2026-11-02 10:00",
    )
    make_finding(org, community=nibi, found_at="2026-10-08 10:00", by=leader)
    for received in (
        "2026-10-01 00:30",
        "2026-10-15 12:00",
        "2026-09-30 23:59",
        "2026-11-01 00:00",
    ):
        make_incident(org, community=yingxin, received_at=received)
    return October(org=org, nibi=nibi, zhangping=zhangping, patrols=patrols)
