"""Benchmark data of dispute mediation (see devtools.benchmark): disputes over the bureau's
villages and posts in the last year (COPY), most of them concluded, two in three of those
with an agreement, for the statistics scenarios (disputes received and resolved)."""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.mediation.choices import (
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    MediationKind,
    Outcome,
    Referral,
)
from apps.mediation.models import Dispute, Mediator
from apps.stations.models import Community, Post, Station
from devtools.benchmark import copy_rows, generator

XIPENG = "500107-xipeng"
DESK = "xipeng_desk"
OPEN_STATUSES = [
    DisputeStatus.RECEIVED,
    DisputeStatus.ASSESSED,
    DisputeStatus.ASSIGNED,
    DisputeStatus.IN_MEDIATION,
]
# How a concluded dispute ended: (outcome, status, referral); a failed one is referred on
# (mediation_failed_has_referral).
ENDINGS = [
    (Outcome.AGREEMENT, DisputeStatus.CLOSED, ""),
    (Outcome.AGREEMENT, DisputeStatus.AGREEMENT, ""),
    (Outcome.FAILED, DisputeStatus.FAILED, Referral.COURT),
    (Outcome.WITHDRAWN, DisputeStatus.WITHDRAWN, ""),
]
ENDING_WEIGHTS = [45, 20, 25, 10]


@generator
def disputes_at_scale(sizes: dict, progress) -> None:
    """Disputes across the bureau's villages over the last year, each at its village's
    station and at the village's responsible post, or else mostly at one of the station's
    posts (generated villages have none), like the window log."""
    bureau = Station.objects.get(code=XIPENG).bureau
    missing = sizes["disputes"] - Dispute.objects.count()
    if missing <= 0:
        return
    rng = random.Random(107)
    now = timezone.now()
    villages = list(
        Community.objects.filter(station__bureau=bureau).values_list("id", "station_id", "post_id")
    )
    posts: dict[int, list[int]] = {}
    for pk, station_id in Post.objects.filter(station__bureau=bureau).values_list(
        "id", "station_id"
    ):
        posts.setdefault(station_id, []).append(pk)
    mediators: dict[int, list[int]] = {}
    for pk, station_id in Mediator.objects.filter(station__bureau=bureau).values_list(
        "id", "station_id"
    ):
        mediators.setdefault(station_id, []).append(pk)
    desk = User.objects.get(username=DESK).pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM mediation_dispute")
        offset = cursor.fetchone()[0]
    categories, sources = DisputeCategory.values, DisputeSource.values
    sources = [s for s in sources if s != DisputeSource.INCIDENT]  # no incident to divert

    def row(n):
        village, station_id, post_id = villages[n % len(villages)]
        if post_id is None and station_id in posts and rng.random() < 0.7:
            post_id = rng.choice(posts[station_id])
        received = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        concluded = received + timedelta(hours=rng.randint(2, 30 * 24))
        if concluded < now and rng.random() < 0.9:
            outcome, status, referral = rng.choices(ENDINGS, ENDING_WEIGHTS)[0]
            mediator = rng.choice(mediators.get(station_id) or [None])
        else:
            outcome, status, referral, concluded = "", rng.choice(OPEN_STATUSES), "", None
            mediator = None
        return [
            received,
            concluded or received,
            station_id,
            f"BENCH-TJ-{offset + n:09d}",
            rng.choice(sources),
            rng.choice(categories),
            "压测纠纷",
            "压测地点",
            village,
            post_id,
            status,
            "low",
            "[]",
            received,
            received + timedelta(hours=48),
            received + timedelta(hours=6) if mediator else None,
            mediator,
            received + timedelta(hours=8) if mediator else None,
            outcome,
            concluded,
            referral,
            "",
            concluded if status == DisputeStatus.CLOSED else None,
            desk,
            "",  # no next session planned
            "",
            MediationKind.PEOPLES,
        ]

    copy_rows(
        "mediation_dispute",
        [
            "created_at",
            "updated_at",
            "station_id",
            "number",
            "source",
            "category",
            "description",
            "place_text",
            "community_id",
            "post_id",
            "status",
            "risk_level",
            "signs",
            "received_at",
            "assess_by",
            "assessed_at",
            "mediator_id",
            "assigned_at",
            "outcome",
            "concluded_at",
            "referral",
            "outcome_note",
            "closed_at",
            "created_by_id",
            "next_session_mode",
            "next_session_place",
            "kind",
        ],
        (row(n) for n in range(missing)),
        missing,
        progress,
        "mediation_dispute",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mediation_dispute")
