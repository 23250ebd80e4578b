"""The pages that show live work carry their hooks (static/js/live.js): the topics their
parts listen to, the record an incident's page and job page follow, and the interval each
polls at while the socket is down. The journeys (tests/browser/test_live_journey.py) show
them working; this keeps each page from losing its hook quietly."""

import re

import pytest
from django.urls import reverse

from apps.cases.services import incident_dispatch, incident_report
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from tests.cases.conftest import scene  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def hooks(client, url) -> list[dict[str, str]]:
    page = client.get(url).content.decode()
    return [
        dict(re.findall(r'(data-live(?:-id|-every)?)="([^"]*)"', tag))
        for tag in re.findall(r"<[^>]*data-live=[^>]*>", page)
    ]


def test_each_live_page_listens_to_its_topics_and_polls_when_the_socket_is_down(
    client,
    scene,  # noqa: F811
):
    desk, officer = scene.org.user(XIPENG_DESK), scene.org.user(XIPENG_COMMUNITY)
    incident, _ = incident_report(by=desk, source="110", place_text="迎新村5组")
    incident_dispatch(incident=incident, post=scene.org.park_post, by=desk)
    client.force_login(desk)
    assert {"data-live": "incident", "data-live-every": "10"} in hooks(
        client, reverse("cases:board")
    )
    assert {"data-live": "incident", "data-live-every": "15"} in hooks(
        client, reverse("cases:incident_list")
    )
    page = {"data-live": "incident", "data-live-id": str(incident.pk), "data-live-every": "10"}
    assert page in hooks(client, reverse("cases:incident_detail", args=[incident.pk]))
    assert {"data-live": "noise", "data-live-every": "10"} in hooks(
        client, reverse("noise:dashboard")
    )
    client.force_login(officer)
    assert {"data-live": "job incident", "data-live-every": "15"} in hooks(
        client, reverse("cases:jobs")
    )
    assert page in hooks(client, reverse("cases:job_detail", args=[incident.pk]))
    job = client.get(reverse("cases:job_detail", args=[incident.pk])).content.decode()
    assert 'hx-select-oob="#job-status,#job-who"' in job and 'id="take-panel"' in job
