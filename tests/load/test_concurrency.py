"""The conflicts the apps promise, under parallel HTTP requests to gunicorn with several
workers on PostgreSQL (issue 10, item 7): PARALLEL requests released together by a barrier,
each from its own officer's device token, served by WORKERS processes at once.

PostgreSQL only (CI sets DATABASE_URL): gunicorn is another process, so it sees committed
rows (transactional_db) of the test database, whose name goes into its DATABASE_URL. It
runs as in production (`devtools.loadtest.stack`) but without Redis: the row locks decide
these conflicts, not the cache or the broker (tasks run in gunicorn's process).
"""

import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.services import device_token_issue
from apps.cases.choices import IncidentSource
from apps.cases.models import Case, Incident, IncidentEvent
from apps.cases.services import incident_dispatch, incident_report
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import CITIZEN, XIPENG_COMMUNITY, XIPENG_DESK
from apps.mediation.choices import MediatorKind
from apps.mediation.models import LawyerSlot, Mediator
from apps.patrols.choices import PatrolMode
from apps.patrols.models import TrackBatch, TrackPoint
from apps.patrols.services import patrol_create, patrol_start
from apps.permits import services as permits
from apps.permits.models import ResidenceCertificate
from devtools.loadtest import stack
from tests.permits.conftest import new_registration

DATABASE_URL = os.environ.get("DATABASE_URL", "")
WORKERS = 4
PARALLEL = 12

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    test_database = connection.settings_dict["NAME"]
    env = stack.production_env(
        database_url=urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{test_database}")),
        PRIVATE_MEDIA_ROOT=str(tmp_path_factory.mktemp("private")),
    )
    with stack.gunicorn(env, workers=WORKERS, log_dir=tmp_path_factory.mktemp("logs")) as up:
        yield up
    assert not up.server_errors()


def token(user) -> str:
    with transaction.atomic():
        return device_token_issue(user=user, device="平板")[1]


def officers(org, role, count=PARALLEL, **placed) -> list[str]:
    """Tokens of `count` officers of 西彭 in that role."""
    return [token(UserFactory(role=role, station=org.xipeng, **placed)) for _ in range(count)]


def together(server, requests) -> list[tuple[int, dict]]:
    """Send (path, body, token) requests at the same moment; (status, JSON) of each."""
    barrier = threading.Barrier(len(requests))

    def send(path, body, key):
        request = urllib.request.Request(
            server.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Token {key}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            },
        )
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda request: send(*request), requests))


def statuses(answers) -> list[int]:
    return sorted(status for status, _ in answers)


def test_of_many_desks_dispatching_one_incident_one_wins_and_the_others_get_a_conflict(server, org):
    incident, _ = incident_report(
        by=org.user(XIPENG_DESK), source=IncidentSource.CENTRE_110, place_text="迎新村3组"
    )
    body = {"post": org.park_post.pk, "officers": [org.user(XIPENG_COMMUNITY).pk]}
    path = f"/api/v1/incidents/{incident.pk}/dispatch/"

    answers = together(server, [(path, body, key) for key in officers(org, roles.DESK_OFFICER)])

    assert statuses(answers) == [200] + [409] * (PARALLEL - 1)
    refusals = {(a["error"]["code"], a["error"]["message"]) for s, a in answers if s == 409}
    assert refusals == {("conflict", "This incident has already been dispatched (Dispatched).")}
    incident.refresh_from_db()
    assert incident.status == "dispatched"
    assert incident.events.filter(kind=IncidentEvent.Kind.DISPATCHED).count() == 1


def test_of_many_officers_approving_one_application_one_wins_and_one_certificate_is_issued(
    server, org
):
    citizen = org.user(CITIZEN)
    application = permits.application_submit(application=new_registration(org, citizen), by=citizen)
    path = f"/api/v1/permit-applications/{application.pk}/approve/"

    body = {"documents_confirmed": True}  # checked at the window, not file by file

    answers = together(server, [(path, body, key) for key in officers(org, roles.DESK_OFFICER)])

    assert statuses(answers) == [200] + [409] * (PARALLEL - 1)
    assert {a["error"]["code"] for s, a in answers if s == 409} == {"conflict"}
    application.refresh_from_db()
    assert application.status == "approved"
    assert ResidenceCertificate.objects.filter(application=application).count() == 1


def test_cases_opened_at_once_in_one_station_have_unique_numbers_without_gaps(server, org):
    keys = officers(org, roles.CASE_OFFICER, count=PARALLEL // 2)
    requests = [
        ("/api/v1/cases/", {"kind": "public_security", "title": f"纠纷打架{n}"}, key)
        for n, key in enumerate(keys * 2)
    ]

    answers = together(server, requests)

    assert statuses(answers) == [201] * PARALLEL
    year = timezone.localdate().year
    expected = [f"500107530100ZA{year}{n:05d}" for n in range(1, PARALLEL + 1)]
    assert sorted(a["number"] for _, a in answers) == expected
    assert sorted(Case.objects.values_list("number", flat=True)) == expected


def test_of_many_desks_booking_one_lawyer_slot_one_books_it_and_the_others_are_told_it_is_taken(
    server, org
):
    lawyer = Mediator.objects.create(station=org.xipeng, name="陈律师", kind=MediatorKind.LAWYER)
    start = timezone.now() + timedelta(days=2)
    slot = LawyerSlot.objects.create(
        station=org.xipeng, mediator=lawyer, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    path = f"/api/v1/lawyer-slots/{slot.pk}/book/"
    keys = officers(org, roles.DESK_OFFICER)

    answers = together(
        server, [(path, {"booked_for": f"来访人{n}"}, k) for n, k in enumerate(keys)]
    )

    assert statuses(answers) == [200] + [409] * (PARALLEL - 1)
    assert {a["error"]["code"] for s, a in answers if s == 409} == {"slot_taken"}
    winner = next(a for s, a in answers if s == 200)
    slot.refresh_from_db()
    assert slot.booked_for == winner["booked_for"]


def test_a_tablets_submission_sent_many_times_at_once_is_applied_once(server, org):
    """A tablet that lost the answers retries while the first request is still running:
    every copy is answered as the first was, and nothing is stored twice."""
    desk, officer = org.user(XIPENG_DESK), org.user(XIPENG_COMMUNITY)
    key = token(officer)
    intake = {"source": "patrol", "place_text": "迎新村3组", "client_id": str(uuid.uuid4())}

    answers = together(server, [("/api/v1/incidents/", intake, key)] * PARALLEL)

    assert statuses(answers) == [200] * (PARALLEL - 1) + [201]
    assert Incident.objects.filter(client_id=intake["client_id"]).count() == 1

    incident = Incident.objects.get(client_id=intake["client_id"])
    incident_dispatch(incident=incident, post=org.park_post, officers=[officer], by=desk)
    report = {"status": "en_route", "client_id": str(uuid.uuid4())}
    path = f"/api/v1/incidents/{incident.pk}/status/"

    answers = together(server, [(path, report, key)] * PARALLEL)

    assert statuses(answers) == [200] * PARALLEL
    assert {a["status"] for _, a in answers} == {"en_route"}
    assert IncidentEvent.objects.filter(client_id=report["client_id"]).count() == 1

    patrol = patrol_create(
        by=officer,
        post=org.park_post,
        mode=PatrolMode.FOOT,
        planned_start=timezone.now(),
        officers=[officer],
    )
    patrol_start(patrol=patrol, by=officer)
    now = timezone.now()
    batch = {
        "client_id": str(uuid.uuid4()),
        "points": [
            {
                "client_id": str(uuid.uuid4()),
                "recorded_at": (now + timedelta(seconds=3 * n)).isoformat(),
                "latitude": 29.3546 + n * 1e-5,
                "longitude": 106.3152,
            }
            for n in range(20)
        ],
    }

    answers = together(server, [(f"/api/v1/patrols/{patrol.pk}/track/", batch, key)] * PARALLEL)

    assert statuses(answers) == [200] * PARALLEL
    assert sorted(a["new"] for _, a in answers) == [0] * (PARALLEL - 1) + [20]
    assert TrackBatch.objects.filter(patrol=patrol).count() == 1
    assert TrackPoint.objects.filter(patrol=patrol).count() == 20
