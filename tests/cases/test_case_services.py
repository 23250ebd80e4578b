import io
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from PIL import Image

from apps.cases.choices import CaseKind, CaseOutcome, CaseStatus
from apps.cases.models import Case
from apps.cases.services import (
    case_evidence_add,
    case_extension_propose,
    case_open,
    case_party_add,
    case_transition,
    cases_remind_deadlines,
)
from apps.cases.workflow import CASE_TRANSITIONS
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.models import Notification
from apps.core.testing.personas import XIPENG_CASE, XIPENG_DESK, XIPENG_LEADER
from apps.core.uploads import UploadRefused
from tests.registry.factories import PersonFactory


def open_case(org, kind=CaseKind.PUBLIC_SECURITY, **kwargs):
    return case_open(by=org.user(XIPENG_CASE), kind=kind, title="迎新村斗殴", **kwargs)


def test_case_numbers_run_per_station_series_and_year_without_gaps(org):
    with freeze_time("2026-03-01"):
        first = open_case(org)
        second = open_case(org)
        criminal = open_case(org, kind=CaseKind.CRIMINAL)
    with freeze_time("2027-01-02"):
        next_year = open_case(org)
    assert first.number == "500107530100ZA202600001"
    assert second.number == "500107530100ZA202600002"
    assert criminal.number == "500107530100XS202600001"
    assert next_year.number == "500107530100ZA202700001"


def test_a_refused_case_leaves_no_gap_in_the_numbers(org):
    open_case(org)
    with pytest.raises(DomainError):
        case_open(by=org.user(XIPENG_CASE), kind=CaseKind.PUBLIC_SECURITY, title="  ")
    assert open_case(org).number.endswith("00002")


def test_a_public_security_case_has_thirty_days_and_a_criminal_matter_three_to_file(org):
    with freeze_time("2026-11-01 09:00"):
        public = open_case(org)
        criminal = open_case(org, kind=CaseKind.CRIMINAL)
    assert public.deadline == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert criminal.deadline == datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
    criminal = case_transition(case=criminal, to=CaseStatus.FILED, by=org.user(XIPENG_CASE))
    assert criminal.deadline is None  # decided: no filing limit runs any more


def test_another_station_cannot_open_a_case_at_shiqiaopu(org):
    # Xipeng's case officer may open cases, but only at Xipeng.
    with pytest.raises(OutOfScope):
        case_open(
            by=org.user(XIPENG_CASE),
            station=org.shiqiaopu,
            kind=CaseKind.CRIMINAL,
            title="x",
        )


def test_a_desk_officer_does_not_open_a_case_by_hand(org):
    # The desk opens a case only by closing an incident as one (incident_close).
    with pytest.raises(NotAllowed):
        case_open(by=org.user(XIPENG_DESK), kind=CaseKind.CRIMINAL, title="x")


ALL_STATUSES = list(CaseStatus.values)


@pytest.mark.parametrize("kind", CaseKind.values)
@pytest.mark.parametrize(
    "current, target",
    [(c, t) for c in ALL_STATUSES for t in ALL_STATUSES if c != t],
)
def test_every_case_transition_is_allowed_or_refused_by_its_kinds_table(org, kind, current, target):
    case = open_case(org, kind=kind)
    Case.objects.filter(pk=case.pk).update(status=current, outcome="revoked")
    case.refresh_from_db()
    outcome = {
        CaseStatus.SOLVED: CaseOutcome.PROSECUTION,
        CaseStatus.INVESTIGATING: CaseOutcome.REVOKED,
        CaseStatus.NOT_FILED: CaseOutcome.NOT_FILED,
    }.get(current, "")
    if target in CASE_TRANSITIONS[kind].get(current, set()):
        case = case_transition(
            case=case, to=target, outcome=outcome, by=org.user(XIPENG_CASE), note="理由"
        )
        assert case.status == target
        assert case.events.filter(status=target).exists()
    else:
        with pytest.raises(Conflict):
            case_transition(case=case, to=target, outcome=outcome, by=org.user(XIPENG_CASE))
        case.refresh_from_db()
        assert case.status == current


@pytest.mark.parametrize("step", [CaseStatus.FILED, CaseStatus.NOT_FILED, CaseStatus.SOLVED])
def test_a_public_security_case_never_passes_filing_or_solving(org, step):
    officer = org.user(XIPENG_CASE)
    case = open_case(org)
    with pytest.raises(Conflict):
        case_transition(case=case, to=step, by=officer)
    case = case_transition(case=case, to=CaseStatus.INVESTIGATING, by=officer)
    with pytest.raises(Conflict):
        case_transition(case=case, to=step, by=officer)
    with pytest.raises(DomainError):  # a prosecution is not how a 治安 case ends
        case_transition(
            case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.PROSECUTION, by=officer
        )
    case = case_transition(case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.PENALTY, by=officer)
    assert case.filed_at is None and case.solved_at is None


def test_the_whole_workflow_stamps_each_step(org):
    case = open_case(org, kind=CaseKind.CRIMINAL)
    officer = org.user(XIPENG_CASE)
    for step in (CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.SOLVED):
        case = case_transition(case=case, to=step, by=officer)
    with pytest.raises(DomainError):
        case_transition(case=case, to=CaseStatus.CLOSED, by=officer)  # no outcome
    case = case_transition(
        case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.PROSECUTION, by=officer
    )
    assert case.filed_at and case.solved_at and case.closed_at
    assert case.outcome == CaseOutcome.PROSECUTION
    assert case.events.count() == 5


def test_a_not_filed_case_closes_only_as_not_filed(org):
    officer = org.user(XIPENG_CASE)
    case = case_transition(
        case=open_case(org, kind=CaseKind.CRIMINAL),
        to=CaseStatus.NOT_FILED,
        by=officer,
        note="没有犯罪事实",
    )
    with pytest.raises(DomainError):
        case_transition(case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.PENALTY, by=officer)
    case = case_transition(
        case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.NOT_FILED, by=officer
    )
    assert case.status == CaseStatus.CLOSED


def test_a_criminal_case_has_no_handling_limit_to_extend(org):
    with pytest.raises(Conflict):
        case_extension_propose(
            case=open_case(org, kind=CaseKind.CRIMINAL), by=org.user(XIPENG_LEADER), reason="x"
        )


def test_the_reminder_goes_to_the_lead_officer_once_a_day(org):
    with freeze_time("2026-11-01 09:00"):
        case = open_case(org, lead_officer=org.user(XIPENG_CASE))
        open_case(org)  # no lead officer: the station's leaders are told
    with freeze_time("2026-11-29 09:00"):
        assert cases_remind_deadlines() == 2
        assert cases_remind_deadlines() == 0  # a second run the same day sends nothing
    assert Notification.objects.get(recipient=org.user(XIPENG_CASE)).title.endswith(case.number)
    assert Notification.objects.filter(recipient=org.user(XIPENG_LEADER)).count() == 1
    with freeze_time("2026-12-02 09:00"):
        assert cases_remind_deadlines() == 2  # overdue now, reminded again the next day
        assert Notification.objects.order_by("-id").first().title.startswith("已超期")


def test_a_closed_case_is_neither_overdue_nor_reminded(org):
    officer = org.user(XIPENG_CASE)
    with freeze_time("2026-11-01 09:00"):
        case = case_transition(case=open_case(org), to=CaseStatus.INVESTIGATING, by=officer)
        case = case_transition(
            case=case, to=CaseStatus.CLOSED, outcome=CaseOutcome.PENALTY, by=officer
        )
    with freeze_time("2026-12-20"):
        assert not case.is_overdue
        assert cases_remind_deadlines() == 0


def test_a_party_linked_to_the_registry_takes_its_name(org):
    person = PersonFactory(station=org.xipeng, name="王某", phone="13800000001")
    party = case_party_add(
        case=open_case(org), by=org.user(XIPENG_CASE), role="victim", person=person
    )
    assert (party.name, party.phone) == ("王某", "13800000001")


def test_a_party_of_another_station_is_not_found(org):
    person = PersonFactory(station=org.shuangfeng)
    with pytest.raises(OutOfScope):
        case_party_add(case=open_case(org), by=org.user(XIPENG_CASE), role="suspect", person=person)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_evidence_is_checked_by_content_and_stored_privately(org, settings):
    case = open_case(org)
    upload = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    evidence = case_evidence_add(case=case, by=org.user(XIPENG_CASE), upload=upload, kind="photo")
    assert evidence.content_type == "image/png" and len(evidence.sha256) == 64
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.file.path


@pytest.mark.parametrize(
    "name, content",
    [
        ("photo.jpg", b"PK\x03\x04 this is a zip renamed"),
        (
            "notes.pdf",
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        ),
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    ],
)
def test_bad_evidence_files_are_refused_and_nothing_is_stored(org, name, content):
    case = open_case(org)
    with pytest.raises(UploadRefused):
        case_evidence_add(
            case=case,
            by=org.user(XIPENG_CASE),
            upload=SimpleUploadedFile(name, content),
            kind="document",
        )
    assert not case.evidence.exists()


def test_an_oversized_evidence_file_is_refused(org, monkeypatch):
    from apps.cases.services import cases

    monkeypatch.setattr(cases, "MAX_EVIDENCE_BYTES", 100)
    with pytest.raises(UploadRefused):
        case_evidence_add(
            case=open_case(org),
            by=org.user(XIPENG_CASE),
            upload=SimpleUploadedFile("big.png", png_bytes() + b"\x00" * 200),
            kind="photo",
        )


def test_overdue_is_computed_with_frozen_time(org):
    with freeze_time("2026-11-01 09:00"):
        case = open_case(org)
    with freeze_time("2026-12-01 08:59"):
        assert not case.is_overdue
    with freeze_time("2026-12-01 09:01"):
        assert case.is_overdue
    assert case.deadline - case.accepted_at == timedelta(days=30)


def test_beat_runs_the_deadline_reminder_every_morning(org):
    from celery import current_app

    from apps.cases.tasks import cases_remind_deadlines_task as task

    entry = settings.CELERY_BEAT_SCHEDULE["cases-remind-deadlines"]
    assert entry["task"] == task.name and task.name in current_app.tasks
    assert entry["schedule"].hour == {8}
    with freeze_time("2026-11-01 09:00"):
        open_case(org, lead_officer=org.user(XIPENG_CASE))
    with freeze_time("2026-11-29 09:00"):
        assert task.apply().get() == 1
