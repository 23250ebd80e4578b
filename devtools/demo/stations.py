"""Loads the demo organisation of stations_data.py; idempotent (keyed on codes and names)."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.stations.choices import AreaKind, StaffKind, StationUnit
from apps.stations.models import (
    Bureau,
    Community,
    CommunityAppointment,
    PoliceDistrict,
    Post,
    StaffAssignment,
    Station,
)
from apps.stations.services import community_appointment_make, community_boundaries_import
from devtools.demo.stations_data import BUREAUS, XIPENG_APPOINTED_ON, XIPENG_APPOINTMENTS

# Approximate boundaries of 西彭's villages (not surveyed: see the file's description),
# loaded through the same import as a bureau's file in admin.
DEMO_BOUNDARIES = Path(__file__).with_name("stations_boundaries.geojson")
DEMO_BOUNDARIES_STATION = "500107-xipeng"


@transaction.atomic
def seed_organisation() -> dict[str, int]:
    """Create or update every bureau, station, post, district and community; returns how
    many rows of each kind were created on this run."""
    created = {"bureaus": 0, "stations": 0, "posts": 0, "districts": 0, "communities": 0}

    def count(kind, was_created):
        created[kind] += int(was_created)

    for bureau_data in BUREAUS:
        bureau, was_created = Bureau.objects.update_or_create(
            code=bureau_data["code"], defaults={"name": bureau_data["name"]}
        )
        count("bureaus", was_created)
        for station_data in bureau_data["stations"]:
            station, was_created = Station.objects.update_or_create(
                code=station_data["code"],
                defaults={
                    "bureau": bureau,
                    "organ_code": station_data["organ_code"],
                    **{k: station_data.get(k) or "" for k in ("name", "address", "phone")},
                    "latitude": station_data["latitude"],
                    "longitude": station_data["longitude"],
                    "area_km2": station_data.get("area_km2"),
                    "area": station_data.get("area", AreaKind.URBAN),
                },
            )
            count("stations", was_created)
            posts = {}
            for post_data in station_data["posts"]:
                post, was_created = Post.objects.update_or_create(
                    station=station,
                    name=post_data["name"],
                    defaults={
                        "kind": post_data["kind"],
                        "address": post_data.get("address", ""),
                        "latitude": post_data["latitude"],
                        "longitude": post_data["longitude"],
                        # A post lies in its station's kind of area unless it says otherwise.
                        "area": post_data.get("area", station_data.get("area", AreaKind.URBAN)),
                        "opened_on": date.fromisoformat(post_data["opened_on"])
                        if post_data.get("opened_on")
                        else None,
                    },
                )
                posts[post.name] = post
                count("posts", was_created)
            for district_data in station_data["districts"]:
                district, was_created = PoliceDistrict.objects.update_or_create(
                    station=station,
                    name=district_data["name"],
                    defaults={
                        "post": posts.get(district_data.get("post")),
                        "real_population": district_data.get("real_population"),
                    },
                )
                count("districts", was_created)
                for community_data in district_data["communities"]:
                    _, was_created = Community.objects.update_or_create(
                        station=station,
                        name=community_data["name"],
                        defaults={
                            "district": district,
                            "kind": community_data["kind"],
                            "latitude": community_data["latitude"],
                            "longitude": community_data["longitude"],
                            "population": community_data.get("population"),
                            "post": posts.get(community_data.get("post")),
                            "note": community_data.get("note", ""),
                        },
                    )
                    count("communities", was_created)
    return created


def seed_boundaries() -> int:
    """Import the demo boundaries of 西彭 as the sub-bureau's administrator would (after
    the users exist); returns how many villages got one."""
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    return community_boundaries_import(
        by=admin,
        station=Station.objects.get(code=DEMO_BOUNDARIES_STATION),
        data=DEMO_BOUNDARIES.read_bytes(),
    )


@transaction.atomic
def seed_appointments() -> int:
    """西彭's 28 party-member officers, each appointed deputy secretary of one village's or
    residents' committee's party branch from 2019-09-01 (after the users: 李强 is the
    xipeng_community login; the others are officers without a login). Returns how many
    appointments were made on this run."""
    station = Station.objects.filter(code=DEMO_BOUNDARIES_STATION).first()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if station is None or admin is None:
        return 0
    since = date.fromisoformat(XIPENG_APPOINTED_ON)
    communities = {c.name: c for c in Community.objects.filter(station=station)}
    with_login = {
        a.name: a
        for a in StaffAssignment.objects.filter(
            station=station, kind=StaffKind.OFFICER, user__isnull=False
        )
    }
    made = 0
    for community_name, officer_name, note in XIPENG_APPOINTMENTS:
        community = communities[community_name]
        officer = with_login.get(officer_name)
        if officer is None:
            officer, _ = StaffAssignment.objects.get_or_create(
                station=station,
                name=officer_name,
                kind=StaffKind.OFFICER,
                user=None,
                defaults={
                    "post": community.post,
                    "unit": StationUnit.COMMUNITY_TEAM,
                    "duty": f"社区民警，兼任{community_name}党支部副书记",
                    "started_on": since,
                },
            )
        if CommunityAppointment.objects.filter(community=community, officer=officer).exists():
            continue
        community_appointment_make(
            by=admin, community=community, officer=officer, started_on=since, note=note
        )
        made += 1
    return made
