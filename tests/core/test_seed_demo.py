import math
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.cases.models import Case, Incident
from apps.core.idnumbers import parse_id_number
from apps.registry.models import Address, FocusRecord, HotelStay, Person, Unit
from apps.stations.models import (
    Bureau,
    Community,
    CommunityAppointment,
    Post,
    StaffAssignment,
    Station,
)


def haversine_km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def counts():
    models = (
        Bureau,
        Station,
        Post,
        Community,
        StaffAssignment,
        CommunityAppointment,
        User,
        Person,
        Address,
        Unit,
        HotelStay,
        Incident,
    )
    return [m.objects.count() for m in models]


def test_running_it_twice_creates_nothing_new(demo_seeded):
    before = counts()
    call_command("seed_demo")
    assert counts() == before


def test_it_loads_the_organisation_of_the_seeds(demo_seeded):
    jiulongpo = Bureau.objects.get(name="九龙坡区分局")
    assert jiulongpo.stations.count() == 14
    assert Station.objects.filter(name="双凤派出所", bureau__name="渝北区分局").exists()
    for station, post in [
        ("西彭派出所", "西彭园区警务站"),
        ("西彭派出所", "大石堡警务站"),
        ("西彭派出所", "城西家园警务站"),
        ("石桥铺派出所", "张坪警务站"),
        ("石桥铺派出所", "渝洲新城警务站"),
        ("九龙派出所", "马王警务站"),
    ]:
        assert Post.objects.filter(station__name=station, name=post).exists(), post
    for village in ["迎新村", "泥璧村", "宝华村"]:
        assert Community.objects.filter(station__name="西彭派出所", name=village).exists()


def test_the_park_post_is_nearer_to_yingxin_than_the_station(demo_seeded):
    yingxin = Community.objects.get(name="迎新村")
    park = Post.objects.get(name="西彭园区警务站")
    assert haversine_km(yingxin, park) < haversine_km(yingxin, park.station)


def test_every_demo_login_has_its_role_and_place(demo_seeded):
    expected = {
        "jlp_admin": ("分局管理员", None, None),
        "xipeng_desk": ("值班民警", "西彭派出所", None),
        "xipeng_community": ("社区民警", "西彭派出所", "西彭园区警务站"),
        "xipeng_case": ("办案民警", "西彭派出所", None),
        "xipeng_leader": ("所领导", "西彭派出所", None),
        "shiqiaopu_community": ("社区民警", "石桥铺派出所", "张坪警务站"),
        "shuangfeng_desk": ("值班民警", "双凤派出所", None),
        "mediator_xipeng": ("调解员", "西彭派出所", None),
    }
    for username, (role, station, post) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("jingwu2026")
        assert set(user.groups.values_list("name", flat=True)) == {role}
        assert (str(user.station) if user.station else None) == station
        assert (str(user.post) if user.post else None) == post
    assert User.objects.get(username="admin").is_superuser


def test_it_loads_residents_with_valid_id_numbers_for_xipeng_and_xietaizi(demo_seeded):
    for station, at_least in (("西彭派出所", 150), ("歇台子派出所", 100)):
        persons = Person.objects.filter(station__name=station)
        assert persons.count() >= at_least
        for person in persons:
            parsed = parse_id_number(person.id_number)
            assert (parsed.birth_date, parsed.gender) == (person.birth_date, person.gender)
    assert Unit.objects.filter(kind="hotel", station__name="西彭派出所").count() == 2
    assert HotelStay.objects.filter(station__name="西彭派出所").exists()
    focus = FocusRecord.objects.filter(station__name="西彭派出所")
    assert focus.exists()
    assert {r.responsible_officer.username for r in focus} == {"xipeng_community"}


def test_it_replays_the_yingxin_call_answered_from_the_park_post(demo_seeded):
    fight = Incident.objects.get(community__name="迎新村", category__name="打架斗殴")
    assert fight.post.name == "西彭园区警务站"
    assert fight.caller_recent_calls == 5 and fight.is_repeat_caller
    assert 15 <= fight.minutes_saved <= 25  # about 20 against about 40 from the station
    assert fight.arrived_at - fight.received_at == timedelta(minutes=20)
    assert fight.case.kind == "public_security" and fight.case.deadline
    # A minor injury (轻微伤) keeps it a 治安 case; the appraisal's hours do not count.
    assert fight.case.injury_grade == "minor"
    appraisal = fight.case.suspensions.get()
    assert fight.case.deadline == fight.case.accepted_at + timedelta(days=30) + (
        appraisal.ended_at - appraisal.started_at
    )
    assert "轻伤" not in fight.description
    assert not Case.objects.filter(kind="public_security", status__in=["filed", "solved"]).exists()
    assert User.objects.get(username="jlp_legal").groups.get().name == "分局法制大队"


def test_it_hands_one_in_three_mawang_disputes_to_mediation(demo_seeded):
    disputes = Incident.objects.filter(post__name="马王警务站")
    assert disputes.count() == 6
    assert disputes.filter(disposition="mediation").count() == 2


def test_the_xietaizi_noise_shows_a_repeat_caller_and_the_board_has_work(demo_seeded):
    noise = Incident.objects.filter(station__name="歇台子派出所", category__name="广场舞噪声")
    assert noise.filter(is_repeat_caller=True, caller_phone="13594660007").count() == 3
    open_now = Incident.objects.filter(station__name="西彭派出所").exclude(status="closed")
    # The missing-person call waits at the park post for its officer to take it (接单).
    assert {i.status for i in open_now} == {"received", "assigned"}
    assert Case.objects.filter(station__name="西彭派出所", status="investigating").exists()


def test_xipeng_covers_its_87_5_km2_with_25_villages_and_3_committees(demo_seeded):
    """西彭占地87.5平方公里 … 其中包括25个村，3个居委会 (seed 004)."""
    xipeng = Station.objects.get(name="西彭派出所")
    assert xipeng.area_km2 == Decimal("87.50")
    places = xipeng.communities.all()
    assert places.filter(kind="village").count() == 25
    assert places.filter(kind="committee").count() == 3
    assert places.count() == 28
    # Each in one of the three police districts, inside the town, with a map boundary.
    assert {c.district.name for c in places} == {"园区警区", "大石堡警区", "城西警区"}
    for place in places:
        assert 29.27 < place.latitude < 29.40 and 106.26 < place.longitude < 106.37, place
        assert place.boundary is not None, place
    # A village answers to a post only where the post is nearer than the station itself
    # (the dispatch saves time); the town centre and its east answer to the station. The
    # park post's villages by over a kilometre: its demo year (devtools/demo/stats.py) puts each
    # call up to 1.2 km off the village's centre and expects every dispatch to save time.
    for place in places.select_related("post", "station"):
        if place.post is not None:
            margin = 1.0 if place.post.name == "西彭园区警务站" else 0.0
            nearer = haversine_km(place, place.station) - haversine_km(place, place.post)
            assert nearer > margin, place
    without_post = places.filter(post__isnull=True).values_list("name", flat=True)
    assert set(without_post) == {"铝城居委会", "城南居委会", "红岩村", "联合村"}


def test_xipeng_appointed_28_party_member_officers_to_its_28_villages(demo_seeded, client):
    """2019年9月，西彭派出所在辖区28个村和居委会，派驻28名优秀党员民警兼任党支部副书记."""
    appointments = CommunityAppointment.objects.filter(station__name="西彭派出所")
    assert appointments.count() == 28
    assert appointments.values("community").distinct().count() == 28
    assert appointments.values("officer").distinct().count() == 28
    assert {(a.started_on, a.ended_on, a.title) for a in appointments} == {
        (date(2019, 9, 1), None, "branch_deputy_secretary")
    }
    assert {a.officer.kind for a in appointments.select_related("officer")} == {"officer"}
    liu = appointments.get(community__name="宝华村")
    assert liu.officer.name == "刘璐" and liu.officer.user is None
    assert appointments.get(community__name="迎新村").officer.user.username == "xipeng_community"
    client.force_login(User.objects.get(username="xipeng_desk"))
    page = client.get(reverse("stations:community_detail", args=[liu.community_id]))
    html = page.content.decode()
    assert "刘璐" in html and "党支部副书记" in html and "2019-09-01 起" in html
