"""The incident intake's caller field (issue 16 item 3): the desk types a phone, an ID number
or a name and picks the person from the registry; a whole number is a logged lookup."""

from django.urls import reverse

from apps.core.models import AccessLog
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK

from .factories import WANG_XIAOHONG


def lookup(client, text) -> str:
    return client.post(reverse("registry:caller_lookup"), {"caller_lookup": text}).content.decode()


def test_the_desk_finds_the_caller_by_id_number_phone_or_initials(client, org, wang, others):
    client.force_login(org.user(XIPENG_DESK))
    by_number = lookup(client, WANG_XIAOHONG.lower())
    assert f'data-caller-person="{wang.pk}"' in by_number and "王小明" not in by_number
    assert WANG_XIAOHONG not in by_number  # shown masked
    assert "lookup:id_number" in AccessLog.objects.values_list("field", flat=True)
    assert f'data-caller-person="{wang.pk}"' in lookup(client, "13983464184")
    by_initials = lookup(client, "wxh")
    assert "王小红" in by_initials and "吴晓辉" in by_initials and "李强" not in by_initials
    assert "data-caller-person" not in lookup(client, "4184")
    assert client.get(reverse("registry:caller_lookup")).status_code == 405


def test_the_caller_lookup_stays_in_scope(client, org, wang):
    client.force_login(org.user(SHUANGFENG_DESK))
    assert "data-caller-person" not in lookup(client, WANG_XIAOHONG)
    assert not AccessLog.objects.exists()


def test_an_incident_taken_with_a_picked_caller_is_linked_to_the_person(client, org, wang):
    from apps.cases.models import Incident, IncidentCategory

    org.xipeng.latitude, org.xipeng.longitude = "29.331850", "106.336420"
    org.xipeng.save()
    fights = IncidentCategory.objects.create(bureau=org.jiulongpo, code="02", name="打架斗殴")
    category = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=fights, code="0201", name="打架斗殴"
    )
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("cases:incident_create")).content.decode()
    assert 'id="caller-lookup"' in page and "js/callerpick.js" in page
    response = client.post(
        reverse("cases:incident_create"),
        {
            "category": category.pk,
            "place_text": "迎新村3组",
            "caller_phone": "13983464184",
            "caller_name": "王小红",
            "caller_person": wang.pk,
            "source": "phone",
            "client_id": "6f1c7a8e-0d7b-4b51-9a57-0f3e1b2c3d4e",
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == incident.get_absolute_url()
    assert incident.caller_person == wang


def test_many_matches_show_the_first_few_and_ask_for_more(client, org):
    from .factories import PersonFactory

    for n in range(10):
        PersonFactory(station=org.xipeng, name=f"王小{'一二三四五六七八九十'[n]}")
    client.force_login(org.user(XIPENG_DESK))
    answer = lookup(client, "wangxiao")
    assert answer.count("data-caller-person=") == 8 and "请输入更完整的姓名" in answer
