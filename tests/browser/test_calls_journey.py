"""A call rings at 陈晓东's desk (issue 20, item 7): the telephone system reports it, the
board he is watching gives way to the intake form for the call, without a click, with the
number masked and what is known of the caller beside it; he reveals the number (logged),
types the place and records the incident, which keeps the caller's number."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from apps.accounts import roles
from apps.cases.choices import Disposition, IncidentStatus
from apps.cases.models import Incident
from apps.cases.services import call_ring, incident_report
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import XIPENG_DESK
from tests.cases.conftest import scene  # noqa: F401  (the fixture, at its real coordinates)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = "13983460088"


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_a_ringing_call_opens_the_intake_form_with_the_callers_history(
    page,
    log_in,
    snap,
    scene,  # noqa: F811
):
    desk = scene.org.user(XIPENG_DESK)
    desk.desk_extension = "8001"
    desk.save()
    pbx = UserFactory(username="xipeng_pbx", station=scene.org.xipeng)
    pbx.groups.set([Group.objects.get(name=roles.TELEPHONE_SYSTEM)])
    for _ in range(2):  # two earlier calls from the number, closed as nuisance calls
        earlier, _created = incident_report(
            by=desk, source="110", place_text="迎新村村口", caller_phone=PHONE
        )
        Incident.objects.filter(pk=earlier.pk).update(
            status=IncidentStatus.CLOSED, disposition=Disposition.INVALID
        )

    log_in(XIPENG_DESK)
    page.goto("/cases/board/")
    snap("1-watching-the-board")
    call = call_ring(by=pbx, extension="8001", phone=PHONE)

    # The page asks every second here (every few seconds in use) and opens the form.
    expect(page).to_have_url(re.compile(rf"/cases/incidents/new/\?call={call.pk}$"))
    expect(page.locator("#ringing-call")).to_contain_text("您的接警台来电：139****0088")
    expect(page.locator("#caller-history")).to_contain_text("该号码近 30 天内报警 2 次")
    expect(page.locator("#nuisance-caller")).to_contain_text("骚扰来电")
    expect(page.locator("#caller-calls")).to_contain_text("迎新村村口")
    assert PHONE not in page.content()
    snap("2-intake-opened-for-the-call")
    page.get_by_role("button", name="查看完整号码（将记录）").click()
    expect(page.locator("#reveal-phone")).to_have_text(PHONE)
    snap("3-number-revealed")

    page.select_option("#id_category", value=str(scene.fight.pk))
    page.locator("#id_place_text").press_sequentially("迎新村3组")
    expect(page.locator("#place-match-name")).to_have_text("迎新村")
    page.get_by_role("button", name="仅登记，稍后派警").click()
    expect(page).to_have_url(re.compile(r"/cases/incidents/\d+/$"))
    snap("4-recorded")
    incident = Incident.objects.get(place_text="迎新村3组")
    assert incident.caller_phone == PHONE and incident.incoming_calls.get() == call
