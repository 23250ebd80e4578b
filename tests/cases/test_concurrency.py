"""Two desks at once, on PostgreSQL (CI): row locks decide, nobody is silently overwritten.
SQLite serialises every write, so these run where real concurrency exists."""

import pytest

from apps.cases.choices import CaseKind, IncidentSource
from apps.cases.models import Case, Incident
from apps.cases.services import case_open, incident_dispatch, incident_report
from apps.core.errors import Conflict
from apps.core.testing.concurrency import needs_postgres, run_together
from apps.core.testing.personas import XIPENG_CASE, XIPENG_DESK


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_dispatches_one_wins_and_one_gets_a_conflict(scene):
    desk = scene.org.user(XIPENG_DESK)
    incident, _ = incident_report(
        by=desk,
        source=IncidentSource.CENTRE_110,
        place_text="迎新村",
        community=scene.org.yingxin,
        category=scene.fight,
    )

    def dispatch(_index):
        return incident_dispatch(
            incident=Incident.objects.get(pk=incident.pk),
            post=scene.org.park_post,
            officers=[scene.officer_on_duty],
            by=desk,
        )

    results = run_together(2, dispatch)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Incident"]
    assert isinstance(next(r for r in results if not isinstance(r, Incident)), Conflict)
    assert Incident.objects.get(pk=incident.pk).events.filter(kind="dispatched").count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_case_numbers_taken_at_once_have_no_gaps_and_no_repeats(org):
    officer = org.user(XIPENG_CASE)

    def open_five(index):
        return [
            case_open(by=officer, kind=CaseKind.PUBLIC_SECURITY, title=f"案件{index}-{n}").number
            for n in range(5)
        ]

    results = run_together(4, open_five)
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == [
        f"500107530100ZA{Case.objects.first().accepted_at:%Y}{i:05d}" for i in range(1, 21)
    ]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_officers_taking_the_same_job_at_once_one_holds_it_and_one_gets_a_conflict(scene):
    from apps.accounts import roles
    from apps.cases.services import incident_take
    from apps.core.testing.factories import UserFactory

    desk = scene.org.user(XIPENG_DESK)
    second = UserFactory(
        username="xipeng_second",
        role=roles.COMMUNITY_OFFICER,
        station=scene.org.xipeng,
        post=scene.org.park_post,
    )
    incident, _ = incident_report(
        by=desk,
        source=IncidentSource.CENTRE_110,
        place_text="迎新村",
        community=scene.org.yingxin,
        category=scene.fight,
    )
    incident_dispatch(incident=incident, post=scene.org.park_post, by=desk)
    officers = [scene.officer_on_duty, second]

    def take(index):
        return incident_take(incident=Incident.objects.get(pk=incident.pk), by=officers[index])

    results = run_together(2, take)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Incident"]
    holder = next(r for r in results if isinstance(r, Incident)).officers.get()
    incident.refresh_from_db()
    assert list(incident.officers.all()) == [holder]
    assert incident.events.filter(kind="taken").count() == 1
