"""From words to a point (issue 20, items 6 and 8): what a caller says, matched against the
station's gazetteer, on the intake page, in the API, and on the labelled set made from the
demo (tests/places/labelled.csv, written by make_labelled.py)."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from apps.cases.services import incident_report
from apps.core.testing.factories import CommunityFactory
from apps.core.testing.personas import CITIZEN, SHUANGFENG_DESK, XIPENG_DESK
from apps.places import gazetteer
from apps.places.matcher import match_place
from apps.places.normalize import chinese_number, parse
from apps.stations import boundaries
from apps.stations.models import Station
from tests.cases.conftest import scene  # noqa: F401  (the fixture, at its real coordinates)

LABELLED = Path(__file__).with_name("labelled.csv")


# --- the words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number", [("12", 12), ("十", 10), ("十二", 12), ("二十三", 23), ("一百零五", 105)]
)
def test_chinese_numbers_are_read(text, number):
    assert chinese_number(text) == number


def test_the_ways_of_saying_a_place_come_to_the_same():
    prefixes = ("九龙坡区", "西彭镇", "西彭")
    said = [
        "迎新村5组",
        "迎新五组",
        "西彭镇迎新村五组",
        "九龙坡区 迎新村 5 组",
        "５组迎新村",
        "重庆市迎新村伍组".replace("伍", "五"),
    ]
    assert [parse(text, prefixes=prefixes) for text in said] == [
        parse("迎新村5组", prefixes=prefixes)
    ] * len(said)
    assert parse("城西家园3号楼2单元").parts == {"栋": 3, "单元": 2}
    # A bare town name is a prefix only before another name.
    assert parse("西彭园区警务站", prefixes=prefixes).name == "园区警务站"
    assert parse("歇台子社区", prefixes=("歇台子",)).name == "歇台子"


# --- the labelled set ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_labelled_place_texts_are_matched_right_at_least_95_in_100(demo_seeded):
    rows = list(csv.DictReader(LABELLED.open(encoding="utf-8")))
    assert len(rows) >= 300
    stations = {code: Station.objects.get(code=code) for code in {row["station"] for row in rows}}
    wrong = []
    for row in rows:
        match = match_place(station=stations[row["station"]], text=row["text"])
        if match is None or match.name != row["place"]:
            wrong.append((row["text"], match and match.name, row["place"]))
    accuracy = 1 - len(wrong) / len(rows)
    print(f"top-1 {accuracy:.1%} of {len(rows)}; wrong: {wrong}")
    assert accuracy >= 0.95, wrong


@pytest.mark.django_db
def test_the_yingxin_call_in_words_gives_the_village_and_a_sure_match(demo_seeded):
    xipeng = Station.objects.get(code="500107-xipeng")
    match = match_place(station=xipeng, text="迎新村5组，两个老人下棋打起来了")
    assert match is not None and match.community_name == "迎新村" and match.sure
    assert match_place(station=xipeng, text="不详") is None
    # Down to the standard address when the words give its number and building.
    address = match_place(station=xipeng, text="三合村一组29号5栋")
    assert address is not None and address.kind == "address"
    assert address.name.startswith("三合村一组29号5栋")


# --- what the gazetteer knows --------------------------------------------------------------------


def test_a_new_village_and_a_past_incidents_place_are_known_at_once(org):
    assert match_place(station=org.xipeng, text="新华村3组") is None
    village = CommunityFactory(
        station=org.xipeng, name="新华村", latitude=Decimal("29.36"), longitude=Decimal("106.30")
    )
    match = match_place(station=org.xipeng, text="新华村3组有人摔倒")
    assert match is not None and match.community_id == village.pk
    # A place the desk confirmed with a point on an earlier call is a landmark from then on
    # (the gazetteer takes incidents in within LANDMARK_SECONDS; here it is built anew).
    incident_report(
        by=org.user(XIPENG_DESK),
        source="110",
        place_text="铝厂东门菜市场",
        latitude=Decimal("29.341"),
        longitude=Decimal("106.321"),
    )
    gazetteer.forget()
    landmark = match_place(station=org.xipeng, text="东门菜市场有人吵架")
    assert landmark is not None and landmark.kind == "landmark"
    assert (landmark.name, landmark.latitude) == ("铝厂东门菜市场", 29.341)


# --- the intake page -----------------------------------------------------------------------------


@pytest.fixture
def desk(client, scene):  # noqa: F811  # noqa: F811
    client.force_login(scene.org.user(XIPENG_DESK))
    return client


def test_the_intake_panel_fills_the_place_from_the_words_and_the_desk_can_move_it(desk, scene):  # noqa: F811
    url = reverse("cases:incident_suggest")
    answer = desk.post(url, {"place_text": "迎新村5组，两个老人下棋打起来了"})
    match = answer.context["match"]
    assert match.community_id == scene.org.yingxin.pk and match.score == 100
    fragment = answer.content.decode()
    assert 'id="place-match"' in fragment and "匹配度 100%" in fragment
    assert f'data-community="{scene.org.yingxin.pk}"' in fragment
    assert 'data-lat="29.378150"' in fragment
    assert fragment.index("西彭园区警务站") < fragment.index("大石堡警务站")
    assert "节省" in fragment
    # The page filled the match in (place_source=match): new words are matched again.
    again = desk.post(
        url,
        {
            "place_text": "大石堡警务站门口",
            "latitude": "29.378150",
            "longitude": "106.292470",
            "community": scene.org.yingxin.pk,
            "place_source": "match",
        },
    )
    assert again.context["match"].name == "大石堡警务站"
    # Once the desk has clicked the map, the pin is theirs.
    picked = desk.post(
        url,
        {
            "place_text": "迎新村5组",
            "latitude": "29.313480",
            "longitude": "106.323960",
            "place_source": "map",
        },
    )
    assert picked.context["match"] is None
    nearest = min(picked.context["ranking"].suggestions, key=lambda s: s.distance_km)
    assert nearest.post.name == "大石堡警务站" and nearest.distance_km == 0


# --- the API -------------------------------------------------------------------------------------


def test_the_api_matches_words_for_the_desk_of_the_station_only(client, scene):  # noqa: F811
    url = reverse("place-match")
    client.force_login(scene.org.user(XIPENG_DESK))
    answer = client.get(url, {"text": "迎新村5组，两个老人下棋打起来了"})
    assert answer.status_code == 200
    match = answer.json()["match"]
    assert (match["community"], match["score"], match["sure"]) == (scene.org.yingxin.pk, 100, True)
    assert client.get(url, {"text": "不详"}).json() == {"match": None}
    empty = client.get(url, {"text": " "})
    assert empty.status_code == 400 and "请填写报警人所说的地点" in empty.content.decode()
    other = Station.objects.exclude(pk=scene.org.xipeng.pk).first()
    assert client.get(url, {"text": "迎新村", "station": other.pk}).status_code == 404
    client.force_login(scene.org.user(SHUANGFENG_DESK))
    answer = client.get(url, {"text": "迎新村5组"})  # another station's villages are not its
    assert answer.status_code == 200 and answer.json()["match"] is None
    client.force_login(scene.org.user(CITIZEN))
    assert client.get(url, {"text": "迎新村"}).status_code == 403


def test_a_post_inside_a_villages_boundary_fills_that_village(org):
    """A post has no village of its own: the one whose boundary holds it (as the map's click
    chooses it) is filled in with the post's point."""
    ring = [[106.30, 29.35], [106.33, 29.35], [106.33, 29.37], [106.30, 29.37], [106.30, 29.35]]
    hole = [[106.31, 29.355], [106.32, 29.355], [106.32, 29.36], [106.31, 29.36], [106.31, 29.355]]
    org.yingxin.boundary = {"type": "Polygon", "coordinates": [ring, hole]}
    org.yingxin.save()
    assert boundaries.contains(org.yingxin.boundary, 29.365, 106.305)
    assert not boundaries.contains(org.yingxin.boundary, 29.357, 106.315)  # in the hole
    assert not boundaries.contains(org.yingxin.boundary, 29.40, 106.305)
    org.park_post.latitude, org.park_post.longitude = Decimal("29.365"), Decimal("106.305")
    org.park_post.save()
    match = match_place(station=org.xipeng, text="园区警务站门口有人打架")
    assert match is not None and match.name == "西彭园区警务站"
    assert (match.kind, match.community_id) == ("post", org.yingxin.pk)
