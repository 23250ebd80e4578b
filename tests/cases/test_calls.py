"""Who is calling (issue 20, item 7): the telephone system reports a ringing call, the desk's
page opens the intake form with it, and the desk sees the caller's earlier calls, the
persons and open disputes with that number, and whether it is a repeat or nuisance caller,
the number masked until revealed (logged)."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.services import device_token_issue
from apps.cases.choices import Disposition, IncidentStatus
from apps.cases.models import Incident, IncomingCall
from apps.cases.services import incident_report
from apps.core.idnumbers import MALE, make_id_number
from apps.core.models import AccessLog
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_CASE, XIPENG_DESK
from apps.mediation import services as mediation
from apps.registry.models import Person

PHONE = "13983460088"


@pytest.fixture
def desk(org):
    officer = org.user(XIPENG_DESK)
    officer.desk_extension = "8001"
    officer.save()
    return officer


@pytest.fixture
def pbx(org):
    """The station's telephone system, signed in with a device token, as a PBX bridge is."""
    account = UserFactory(username="xipeng_pbx", station=org.xipeng)
    account.groups.set([Group.objects.get(name=roles.TELEPHONE_SYSTEM)])
    return {"HTTP_AUTHORIZATION": f"Token {device_token_issue(user=account, device='pbx')[1]}"}


def ring(client, pbx, extension="8001", phone=PHONE):
    return client.post(
        reverse("incoming-call"),
        {"extension": extension, "phone": phone},
        content_type="application/json",
        **pbx,
    )


def test_the_telephone_system_reports_a_call_and_only_it_may(client, org, desk, pbx):
    answer = ring(client, pbx, phone="+86 139-8346-0088")
    assert answer.status_code == 201, answer.content
    call = IncomingCall.objects.get(pk=answer.json()["id"])
    assert (call.desk, call.phone, call.station) == (desk, PHONE, org.xipeng)
    assert ring(client, pbx, phone="023-6868 1234").status_code == 201  # a landline too
    unknown = ring(client, pbx, extension="9999")
    assert unknown.status_code == 400 and "本所没有分机号为 9999 的接警台" in unknown.text
    assert ring(client, pbx, phone="不是号码").status_code == 400
    assert ring(client, {}).status_code == 401
    client.force_login(desk)  # an officer's session cannot make a desk ring
    assert ring(client, {}).status_code == 403


def test_the_ringing_desk_opens_the_intake_form_with_the_number_masked(
    client, org, desk, pbx, scene
):
    call_id = ring(client, pbx).json()["id"]
    client.force_login(org.user(XIPENG_CASE))
    assert client.get(reverse("cases:ringing")).status_code == 204  # another desk: nothing
    client.force_login(desk)
    ringing = client.get(reverse("cases:ringing"))
    assert ringing.json() == {
        "url": f"{reverse('cases:incident_create')}?call={call_id}",
        "masked": "139****0088",
    }
    page = client.get(ringing.json()["url"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "139****0088" in body and PHONE not in body
    assert f'name="call" value="{call_id}"' in body
    assert IncomingCall.objects.get(pk=call_id).opened_at is not None
    assert client.get(reverse("cases:ringing")).status_code == 204  # opened: no longer news
    # The full number on request, logged.
    reveal = client.post(reverse("cases:call_reveal", args=[call_id, "phone"]))
    assert PHONE in reveal.content.decode()
    assert AccessLog.objects.filter(user=desk, field="phone").count() == 1
    # Recorded without typing the number: the call's is the caller's, and the call is linked.
    created = client.post(
        reverse("cases:incident_create"),
        {
            "category": scene.fight.pk,
            "place_text": "迎新村3组",
            "source": "110",
            "call": call_id,
            "client_id": "6f1c1f2e-3a47-4c39-9d3e-0c1de3c4b7a1",
        },
    )
    incident = Incident.objects.get(place_text="迎新村3组")
    assert created.status_code == 302 and incident.caller_phone == PHONE
    assert IncomingCall.objects.get(pk=call_id).incident == incident


def test_another_desks_or_stations_call_is_not_found(client, org, desk, pbx):
    call_id = ring(client, pbx).json()["id"]
    client.force_login(org.user(SHUANGFENG_DESK))
    url = f"{reverse('cases:incident_create')}?call={call_id}"
    assert client.get(url).status_code == 404
    assert client.post(reverse("cases:call_reveal", args=[call_id, "phone"])).status_code == 404


def test_the_panel_and_the_api_tell_the_desk_who_is_calling(client, org, desk):
    for disposition in (Disposition.INVALID, Disposition.INVALID, ""):
        incident, _ = incident_report(
            by=desk, source="110", place_text="迎新村村口", caller_phone=PHONE
        )
        if disposition:
            Incident.objects.filter(pk=incident.pk).update(
                status=IncidentStatus.CLOSED, disposition=disposition
            )
    person = Person.objects.create(
        station=org.xipeng,
        name="王大爷",
        gender=MALE,
        birth_date=date(1950, 3, 1),
        id_number=make_id_number(
            region="500107", birth_date=date(1950, 3, 1), sequence=12, gender=MALE
        ),
        phone=PHONE,
    )
    dispute = mediation.dispute_receive(
        by=desk,
        source="walk_in",
        category="neighbour",
        description="邻里噪声",
        community=org.yingxin,
        parties=[{"role": "applicant", "name": "王大爷", "phone": PHONE}],
    )
    client.force_login(desk)
    panel = client.post(reverse("cases:incident_suggest"), {"caller_phone": PHONE})
    history = panel.context["history"]
    assert (history.calls, history.repeat, history.nuisance, history.is_nuisance) == (
        3,
        True,
        2,
        True,
    )
    body = panel.content.decode()
    assert 'id="nuisance-caller"' in body and "骚扰" in body
    assert person.get_absolute_url() in body and dispute.get_absolute_url() in body
    assert person.id_number not in body  # masked
    api = client.post(
        reverse("incident-caller-history"), {"phone": PHONE}, content_type="application/json"
    )
    assert api.status_code == 200, api.content
    data = api.json()
    assert (data["calls"], data["is_nuisance"]) == (3, True)
    assert [p["id"] for p in data["persons"]] == [person.pk]
    assert data["persons"][0]["name"] == "王**"
    assert [d["id"] for d in data["disputes"]] == [dispute.pk]
    # Another station's desk knows nothing of them.
    client.force_login(org.user(SHUANGFENG_DESK))
    other = client.post(
        reverse("incident-caller-history"), {"phone": PHONE}, content_type="application/json"
    ).json()
    assert (other["calls"], other["persons"], other["disputes"]) == (0, [], [])
