"""Finding a person by what the desk has (issue 16 item 3, issue 18 item 2): a whole ID or
phone number (exact, logged as a lookup), or a name by its characters, pinyin or initials."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.core.masking import mask_id_number
from apps.core.models import AccessLog
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_DESK
from apps.permits import services as permits
from apps.permits.choices import ApplicationKind, Basis
from apps.registry.models import Person

from .factories import WANG_XIAOHONG, PersonFactory


def page_names(client, q) -> str:
    return client.get(reverse("registry:person_list"), {"q": q}).content.decode()


def api_names(client, q) -> list[str]:
    return [row["name"] for row in client.get(reverse("person-list"), {"q": q}).json()["results"]]


def test_a_whole_id_number_finds_the_person_and_is_logged_as_a_lookup(client, org, wang, others):
    assert WANG_XIAOHONG.endswith("X")  # typed with a lower-case x
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    page = page_names(client, WANG_XIAOHONG.lower())
    assert "王小红" in page and "王小明" not in page
    assert api_names(
        client, f" {WANG_XIAOHONG[:6]} {WANG_XIAOHONG[6:14]} {WANG_XIAOHONG[14:]}"
    ) == ["王小红"]
    logs = AccessLog.objects.order_by("id")
    assert [(log.user, log.subject_id, log.field) for log in logs] == [
        (desk, str(wang.pk), "lookup:id_number"),
        (desk, str(wang.pk), "lookup:id_number"),
    ]
    # What was looked up is in the log, never the number it was looked up by.
    assert [log.page for log in logs] == [reverse("registry:person_list"), reverse("person-list")]
    assert not AccessLog.objects.filter(page__contains=WANG_XIAOHONG[-8:-1]).exists()


def test_a_whole_phone_finds_the_person_and_is_logged(client, org, wang, others):
    client.force_login(org.user(XIPENG_DESK))
    assert api_names(client, "139-8346-4184") == ["王小红"]
    assert api_names(client, "+86 139 8346 4184") == ["王小红"]
    assert set(AccessLog.objects.values_list("field", flat=True)) == {"lookup:phone"}


@pytest.mark.parametrize(
    "q",
    [
        "4184",  # the last four digits a masked phone shows
        "139****4184",  # the masked phone itself
        "1398346418",  # one digit short
        "13983464184 5",  # one too many
        "500107",  # the region code a masked ID number shows
        WANG_XIAOHONG[:17],  # all but the check character
        mask_id_number(WANG_XIAOHONG),  # the masked ID number
        "19900504",  # the date of birth inside the number
    ],
)
def test_part_of_a_number_finds_no_one(client, org, wang, q):
    client.force_login(org.user(XIPENG_DESK))
    assert "王小红" not in page_names(client, q)
    assert api_names(client, q) == []
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "q", ["wxh", "WXH", "wangxiaohong", "Wang Xiaohong", "wangx", "王小", "小红"]
)
def test_a_name_is_found_by_its_characters_pinyin_or_initials(client, org, wang, others, q):
    client.force_login(org.user(XIPENG_DESK))
    assert "王小红" in page_names(client, q)
    assert "王小红" in api_names(client, q)
    assert "李强" not in api_names(client, q)
    assert not AccessLog.objects.exists()  # a name is no personal number


def test_initials_find_every_name_that_has_them(client, org, wang, others):
    client.force_login(org.user(XIPENG_DESK))
    assert sorted(api_names(client, "wxh")) == ["吴晓辉", "王小红"]
    assert api_names(client, "wangxiaoh") == ["王小红"]
    assert api_names(client, "wxm") == ["王小明"]


def test_another_station_finds_nothing_and_logs_nothing(client, org, wang):
    client.force_login(org.user(SHUANGFENG_DESK))
    assert api_names(client, WANG_XIAOHONG) == []
    assert api_names(client, "wxh") == []
    assert not AccessLog.objects.exists()


def test_the_pinyin_follows_the_name_whatever_writes_it(client, org, wang):
    assert (wang.name_pinyin, wang.name_initials) == ("wangxiaohong", "wxh")
    client.force_login(org.user(XIPENG_COMMUNITY))
    form = {
        "station": org.xipeng.pk,
        "name": "曾小红",  # as a family name 曾 is zeng, not ceng
        "gender": FEMALE,
        "birth_date": "1990-05-04",
        "ethnicity": "汉族",
        "category": "permanent",
    }
    client.post(reverse("registry:person_update", args=[wang.pk]), form)
    wang.refresh_from_db()
    assert (wang.name_pinyin, wang.name_initials) == ("zengxiaohong", "zxh")
    bulk = Person(
        station=org.xipeng,
        name="单田芳",
        gender=MALE,
        birth_date=date(1980, 1, 1),
        id_number=make_id_number(
            region="500107", birth_date=date(1980, 1, 1), sequence=8, gender=MALE
        ),
        category="permanent",
    )
    Person.objects.bulk_create([bulk])  # as imports and the demo write persons
    assert Person.objects.filter(name_initials="stf", name_pinyin="shantianfang").exists()


def test_the_person_list_queries_do_not_grow_with_a_search(
    client, org, wang, others, django_assert_max_num_queries
):
    for n in range(30):
        PersonFactory(station=org.xipeng, name=f"王小{n}")
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("registry:person_list")
    # Session, user, permissions, saved queries, the count and the page; a lookup by
    # number adds its fetch and its log entry.
    with django_assert_max_num_queries(12):
        assert client.get(url, {"q": "wx"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(url, {"q": WANG_XIAOHONG}).status_code == 200


def test_a_search_by_number_is_not_kept_as_a_saved_query(client, org, wang):
    client.force_login(org.user(XIPENG_DESK))
    client.post(
        reverse("registry:savedquery_create"),
        {"name": "王小红", "params": f"q={WANG_XIAOHONG}"},
    )
    assert not org.user(XIPENG_DESK).saved_queries.exists()


def test_permit_applications_are_found_by_a_whole_phone_only(client, org):
    officer = org.user(XIPENG_COMMUNITY)
    application = permits.application_create(
        by=officer,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="王小红",
        id_number=WANG_XIAOHONG,
        phone="13983464184",
        basis=Basis.EMPLOYMENT,
        address_text="迎新村3组12号",
    )
    client.force_login(officer)
    url = reverse("permitapplication-list")
    for part in ("4184", "139****4184", "1398346", WANG_XIAOHONG[-6:]):
        assert client.get(url, {"q": part}).json()["results"] == []
    assert not AccessLog.objects.exists()
    for whole in ("13983464184", WANG_XIAOHONG.lower()):
        rows = client.get(url, {"q": whole}).json()["results"]
        assert [row["id"] for row in rows] == [application.pk]
    assert list(AccessLog.objects.values_list("field", flat=True).order_by("id")) == [
        "lookup:phone",
        "lookup:id_number",
    ]
    page = client.get(reverse("permits:application_list"), {"q": "4184"}).content.decode()
    assert "王小红" not in page
