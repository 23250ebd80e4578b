"""Issue 16, item 1: every date and time a person reads is local time (Asia/Shanghai).

The scene is built at one known moment, 2026-03-13 17:05 UTC, which is 2026-03-14 01:05 in
Shanghai: the day differs as well as the hour, so a time or a date written without moving
it to local time shows. The records the services make carry that moment (or a time counted
from it). Every page, file and API answer of the URL configuration is opened by a persona
who may open it, and every admin changelist and change page by the superuser: none shows
the moment's UTC clock, and the list pages, files and admin lists that show these records
show the moment as 2026-03-14 01:05.
"""

import io
from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from apps.core.exports import xlsx_response
from apps.core.testing.personas import (
    ANONYMOUS,
    CITIZEN,
    MEDIATOR,
    SUPERUSER,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.core.timefmt import when
from tests.scenes import built_once

from .access import ADMIN_SCENE, OK, ROUTES, expected
from .probe import client_for
from .reading import answer_text, get
from .routes import admin_models
from .scene import build_with_logins

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 3, 13, 17, 5, tzinfo=UTC)
LOCAL = "2026-03-14 01:05"
UTC_CLOCK = "17:05"
# Who opens a route: the first of these whom its rule lets in.
READERS = [
    SUPERUSER,
    XIPENG_LEADER,
    XIPENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_CASE,
    MEDIATOR,
    CITIZEN,
    ANONYMOUS,
]

# Pages of one person's own records: read by that person.
READER_OF = {
    "cases:jobs": XIPENG_COMMUNITY,  # the incident was dispatched to them
    "notification_list": XIPENG_DESK,  # the scene's message went to the desk
    "noise:dashboard": XIPENG_DESK,  # a station's sensors (the superuser has no station)
}
# Pages and files that show a record made at the moment, and how they write it.
SHOWN = {
    "cases:incident_list": LOCAL,
    "cases:incident_detail": LOCAL + ":00",
    "cases:case_list": LOCAL,
    "cases:case_detail": LOCAL,
    "cases:jobs": "01:05",
    "cases:board": "01:05",
    "mediation:dispute_list": LOCAL,
    "mediation:dispute_detail": LOCAL,
    "mediation:thread": "03-14 01:05",
    "mediation:slots": "2026-03-15 01:05",  # the lawyer's slot, a day after the moment
    "stations:servicelog_list": LOCAL,
    "accesslog_list": LOCAL,
    "notification_list": LOCAL,
    "noise:dashboard": "01:05",  # the open event, "since 01:05"
    "noise:event_detail": LOCAL + ":00",
    "patrols:patrol_detail": LOCAL,
    "patrols:finding_list": LOCAL,
    "patrols:finding_detail": LOCAL,
    "patrols:video_list": LOCAL,
    "permits:application_list": LOCAL,
    "permits:permit_list": "2026-03-14",
    "permits:permit_detail": "2026-03-14",
    "permits:permit_pdf": "2026-03-14",
    "mediation:agreement_pdf": "2026年3月14日",
    # The API writes ISO 8601 with the local offset.
    "incident-list": "2026-03-14T01:05:00+08:00",
    "dispute-list": "2026-03-14T01:05:00+08:00",
}
# Admin changelists that list a record made at the moment.
ADMIN_LISTS = {
    "auditlog.LogEntry",
    "cases.Case",
    "cases.Incident",
    "core.AccessLog",
    "core.Notification",
    "mediation.Dispute",
    "mediation.MediationSession",
    "noise.NoiseEvent",
    "noise.NoiseReading",
    "patrols.Finding",
    "patrols.VideoPatrol",
    "stations.ServiceLog",
}


@pytest.fixture(scope="module")
def scene(request, _scene_media):
    """The access matrix's scene, built and read with the clock stopped at the moment (and
    read from its files: the module's readings come before any test's settings)."""
    with freeze_time(MOMENT), override_settings(PRIVATE_MEDIA_ROOT=_scene_media):
        yield from built_once(request, build_with_logins, PRIVATE_MEDIA_ROOT=_scene_media)


@pytest.fixture(scope="module")
def readings(scene, django_db_blocker):
    """Route name -> the text of its answer, for every GET route someone may open."""
    found = {}
    with django_db_blocker.unblock():
        for route in ROUTES:
            if route.method != "GET" or route.name in found:
                continue
            reader = READER_OF.get(route.name) or next(
                (p for p in READERS if expected(route, p, scene.org.user(p)) == OK), None
            )
            if reader is None:
                continue
            response = get(scene, reader, route)
            if response.status_code == 200:
                found[route.name] = answer_text(response)
    return found


@pytest.fixture(scope="module")
def admin_readings(scene, django_db_blocker):
    """ "<app>.<Model> changelist|change" -> the text of the page, read by the superuser."""
    client = client_for(scene, SUPERUSER, api=False)
    found = {}
    with django_db_blocker.unblock():
        for model in admin_models():
            opts = model._meta
            prefix = f"admin:{opts.app_label}_{opts.model_name}"
            pages = {"changelist": reverse(f"{prefix}_changelist")}
            key, _sees = ADMIN_SCENE[opts.label]
            if key:
                pages["change"] = reverse(f"{prefix}_change", args=[scene[key].pk])
            for page, url in pages.items():
                response = client.get(url)
                assert response.status_code == 200, (opts.label, page)
                found[f"{opts.label} {page}"] = answer_text(response)
    return found


def test_no_answer_writes_the_moment_in_utc(readings):
    assert len(readings) > 100
    wrong = sorted(name for name, text in readings.items() if UTC_CLOCK in text)
    assert wrong == []


def test_no_admin_page_writes_the_moment_in_utc(admin_readings):
    wrong = sorted(name for name, text in admin_readings.items() if UTC_CLOCK in text)
    assert wrong == []


@pytest.mark.parametrize("name", sorted(SHOWN))
def test_the_lists_pages_and_files_show_the_moment_in_local_time(readings, name):
    assert SHOWN[name] in readings[name]


@pytest.mark.parametrize("label", sorted(ADMIN_LISTS))
def test_the_admin_lists_show_the_moment_in_local_time(admin_readings, label):
    assert LOCAL in admin_readings[f"{label} changelist"]


def test_an_export_writes_a_moment_in_local_time_as_the_pages_do():
    response = xlsx_response(
        filename="t.xlsx", title="t", headers=["at", "on"], rows=[[MOMENT, date(2026, 3, 14)]]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet["A2"].value, sheet["B2"].value] == [LOCAL, "2026-03-14"]


def test_one_helper_writes_every_style_from_the_moment():
    assert when(MOMENT) == LOCAL
    assert when(MOMENT, "seconds") == LOCAL + ":00"
    assert when(MOMENT, "short") == "03-14 01:05"
    assert when(MOMENT, "time") == "01:05"
    assert when(MOMENT, "date") == "2026-03-14"
    assert when(MOMENT, "written") == "2026年3月14日"
    assert when(date(2026, 3, 14), "datetime") == "2026-03-14"
    assert when(None) == ""
