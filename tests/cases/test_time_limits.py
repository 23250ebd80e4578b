"""The law's own examples: who extends a time limit, which law a case follows, what does not
count, what an injury grade does to a case, and the refusal to file with its 复议."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from apps.cases.choices import (
    CaseKind,
    CaseOutcome,
    CaseStatus,
    ExtensionKind,
    InjuryGrade,
    SuspensionKind,
)
from apps.cases.law import public_security_rule
from apps.cases.pdf import not_filed_notice_pdf
from apps.cases.selectors import overdue_cases
from apps.cases.services import (
    case_extension_decide,
    case_extension_propose,
    case_injury_grade,
    case_open,
    case_party_add,
    case_reconsideration_decide,
    case_reconsideration_request,
    case_suspension_end,
    case_suspension_start,
    case_transition,
)
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.testing.personas import (
    JLP_ADMIN,
    JLP_LEGAL,
    SUPERUSER,
    XIPENG_CASE,
    XIPENG_LEADER,
)


def accepted(org, when, kind=CaseKind.PUBLIC_SECURITY, by=XIPENG_CASE):
    with freeze_time(when):
        return case_open(by=org.user(by), kind=kind, title="迎新村斗殴", accepted_at=None)


def extend(org, case):
    """The station leader proposes, the sub-bureau's legal unit approves."""
    extension = case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="案情复杂")
    case_extension_decide(extension=extension, by=org.user(JLP_LEGAL), approve=True)
    case.refresh_from_db()
    return case


# --- who approves -------------------------------------------------------------------------


def test_the_station_leader_cannot_approve_an_extension_only_propose_it(org):
    case = accepted(org, "2026-03-01 09:00")
    extension = case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="案情复杂")
    with pytest.raises(NotAllowed):
        case_extension_decide(extension=extension, by=org.user(XIPENG_LEADER), approve=True)
    case.refresh_from_db()
    assert case.deadline == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    extension.refresh_from_db()
    assert extension.approved is None


def test_the_sub_bureau_legal_unit_approves_and_the_deadline_moves_thirty_days(org):
    case = extend(org, accepted(org, "2026-03-01 09:00"))
    assert case.deadline == datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
    extension = case.extensions.get()
    assert extension.approved and extension.decided_by == org.user(JLP_LEGAL)


def test_a_refusal_by_the_sub_bureau_leaves_the_deadline(org):
    case = accepted(org, "2026-03-01 09:00")
    extension = case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="案情复杂")
    case_extension_decide(extension=extension, by=org.user(JLP_LEGAL), approve=False, note="不必")
    case.refresh_from_db()
    assert case.deadline == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("persona", [XIPENG_CASE, JLP_LEGAL])
def test_only_the_station_leader_proposes(org, persona):
    with pytest.raises(NotAllowed):
        case_extension_propose(
            case=accepted(org, "2026-03-01 09:00"), by=org.user(persona), reason="x"
        )


def test_the_bureau_admin_is_not_the_superior_organ_either(org):
    case = accepted(org, "2026-03-01 09:00")
    extension = case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="案情复杂")
    with pytest.raises(NotAllowed):
        case_extension_decide(extension=extension, by=org.user(JLP_ADMIN), approve=True)


def test_another_bureaus_case_is_out_of_the_legal_units_reach(org):
    with freeze_time("2026-03-01 09:00"):
        # 双凤 has no case officer among the personas: the setup opens it as the superuser.
        case = case_open(
            by=org.user(SUPERUSER),
            station=org.shuangfeng,
            kind=CaseKind.PUBLIC_SECURITY,
            title="双凤斗殴",
        )
    from apps.cases.models import CaseExtension

    extension = CaseExtension.objects.create(
        case=case, kind=ExtensionKind.HANDLING, days=30, reason="x", proposed_by=case.created_by
    )
    with pytest.raises(OutOfScope):
        case_extension_decide(extension=extension, by=org.user(JLP_LEGAL), approve=True)


# --- which law ----------------------------------------------------------------------------


def test_the_rule_follows_the_day_of_acceptance_in_china():
    assert public_security_rule(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)).max_extensions == 1
    # 2025-12-31 16:00 UTC is 2026-01-01 00:00 in Chongqing: the revised law.
    assert public_security_rule(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)).max_extensions == 2


def test_a_case_accepted_before_2026_gets_one_extension(org):
    case = extend(org, accepted(org, "2025-12-20 09:00"))
    assert case.deadline == datetime(2026, 2, 18, 9, 0, tzinfo=UTC)  # 30 + 30 days
    with pytest.raises(Conflict) as refused:
        case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="仍未查清")
    assert "2005" in refused.value.message


def test_a_case_accepted_in_2026_gets_a_second_extension_and_no_third(org):
    case = extend(org, extend(org, accepted(org, "2026-01-05 09:00")))
    assert case.deadline == datetime(2026, 4, 5, 9, 0, tzinfo=UTC)  # 30 + 30 + 30 days
    with pytest.raises(Conflict):
        case_extension_propose(case=case, by=org.user(XIPENG_LEADER), reason="仍未查清")


# --- periods that do not count ------------------------------------------------------------


def test_appraisal_days_do_not_count_and_the_clock_stands_still_meanwhile(org):
    case = accepted(org, "2026-01-05 09:00")
    officer = org.user(XIPENG_CASE)
    with freeze_time("2026-01-10 09:00"):
        case_suspension_start(case=case, by=officer, kind=SuspensionKind.APPRAISAL)
    with freeze_time("2026-02-10 09:00"):  # past the 30 days, but the appraisal runs
        case.refresh_from_db()
        assert not case.is_overdue
        assert not overdue_cases(user=officer).exists()
    with freeze_time("2026-02-14 09:00"):
        case_suspension_end(case=case, by=officer)  # 35 days of appraisal
    case.refresh_from_db()
    assert case.deadline == datetime(2026, 2, 4, 9, 0, tzinfo=UTC) + timedelta(days=35)
    assert case.paused_since is None


@pytest.mark.parametrize(
    "when, counted",
    [("2025-12-20 09:00", True), ("2026-01-05 09:00", False)],
)
def test_hearing_days_count_under_the_2005_law_but_not_under_the_revision(org, when, counted):
    case = accepted(org, when)
    base = case.deadline
    start = case.accepted_at + timedelta(days=5)
    with freeze_time(start + timedelta(days=7)):
        case_suspension_start(
            case=case, by=org.user(XIPENG_CASE), kind=SuspensionKind.HEARING, started_at=start
        )
        case_suspension_end(case=case, by=org.user(XIPENG_CASE))
    case.refresh_from_db()
    assert case.deadline == (base if counted else base + timedelta(days=7))


def test_a_period_cannot_end_before_it_started_nor_two_run_at_once(org):
    case = accepted(org, "2026-01-05 09:00")
    officer = org.user(XIPENG_CASE)
    with freeze_time("2026-01-10 09:00"):
        case_suspension_start(case=case, by=officer, kind=SuspensionKind.APPRAISAL)
        with pytest.raises(Conflict):
            case_suspension_start(case=case, by=officer, kind=SuspensionKind.HEARING)
        with pytest.raises(DomainError):
            case_suspension_end(case=case, by=officer, ended_at=datetime(2026, 1, 9, tzinfo=UTC))


# --- the injury grade ---------------------------------------------------------------------


def test_a_light_injury_turns_the_fight_into_a_criminal_matter(org):
    case = accepted(org, "2026-01-05 09:00")
    officer = org.user(XIPENG_CASE)
    with freeze_time("2026-01-06 09:00"):
        case_suspension_start(case=case, by=officer, kind=SuspensionKind.APPRAISAL)
    with freeze_time("2026-01-20 09:00"):
        case = case_injury_grade(case=case, by=officer, grade=InjuryGrade.LIGHT)
    assert case.kind == CaseKind.CRIMINAL and case.status == CaseStatus.ACCEPTED
    assert case.number == "500107530100XS202600001"
    assert case.injury_grade == InjuryGrade.LIGHT
    assert case.deadline == datetime(2026, 1, 23, 9, 0, tzinfo=UTC)  # 3 days to decide
    assert case.suspensions.get().ended_at == datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert case.events.filter(text__contains="ZA2026").exists()  # the old number is kept
    # and it now follows the criminal table: 立案 is possible.
    case = case_transition(case=case, to=CaseStatus.FILED, by=officer)
    assert case.filed_at


def test_a_minor_injury_keeps_a_public_security_case(org):
    case = accepted(org, "2026-01-05 09:00")
    with freeze_time("2026-01-20 09:00"):
        case = case_injury_grade(case=case, by=org.user(XIPENG_CASE), grade=InjuryGrade.MINOR)
    assert case.kind == CaseKind.PUBLIC_SECURITY and case.number.startswith("500107530100ZA")


def test_a_minor_injury_makes_an_unfiled_criminal_matter_a_public_security_case(org):
    case = accepted(org, "2026-01-05 09:00", kind=CaseKind.CRIMINAL)
    with freeze_time("2026-01-06 09:00"):
        case = case_injury_grade(case=case, by=org.user(XIPENG_CASE), grade=InjuryGrade.MINOR)
    assert case.kind == CaseKind.PUBLIC_SECURITY
    assert case.deadline == datetime(2026, 2, 4, 9, 0, tzinfo=UTC)


# --- the criminal filing decision -----------------------------------------------------------


def test_the_sub_bureau_may_lengthen_the_filing_review_to_thirty_days(org):
    case = accepted(org, "2026-01-05 09:00", kind=CaseKind.CRIMINAL)
    extension = case_extension_propose(
        case=case,
        by=org.user(XIPENG_LEADER),
        reason="重大复杂",
        kind=ExtensionKind.FILING,
        days=30,
    )
    case_extension_decide(extension=extension, by=org.user(JLP_LEGAL), approve=True)
    case.refresh_from_db()
    assert case.deadline == datetime(2026, 2, 4, 9, 0, tzinfo=UTC)


def test_a_filing_decision_overdue_after_three_days(org):
    case = accepted(org, "2026-01-05 09:00", kind=CaseKind.CRIMINAL)
    with freeze_time("2026-01-08 09:01"):
        assert case.is_overdue


def refuse(org, when="2026-01-06 09:00"):
    case = accepted(org, "2026-01-05 09:00", kind=CaseKind.CRIMINAL)
    case_party_add(case=case, by=org.user(XIPENG_CASE), role="victim", name="张某")
    with freeze_time(when):
        with pytest.raises(DomainError):  # a refusal states its reasons
            case_transition(case=case, to=CaseStatus.NOT_FILED, by=org.user(XIPENG_CASE))
        return case_transition(
            case=case, to=CaseStatus.NOT_FILED, by=org.user(XIPENG_CASE), note="没有犯罪事实"
        )


def test_a_refusal_produces_the_notice_with_its_reasons(org):
    case = refuse(org)
    reader = PdfReader(__import__("io").BytesIO(not_filed_notice_pdf(case)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "不予立案通知书" in text and "没有犯罪事实" in text and "张某" in text
    assert "七日" in text


def test_reconsideration_overturned_by_the_sub_bureau_files_the_case(org):
    case = refuse(org)
    with freeze_time("2026-01-10 09:00"):
        request = case_reconsideration_request(
            case=case, by=org.user(XIPENG_CASE), applicant="张某", reason="有监控录像"
        )
        with pytest.raises(Conflict):  # it cannot be closed while the 复议 is pending
            case_transition(
                case=case,
                to=CaseStatus.CLOSED,
                outcome=CaseOutcome.NOT_FILED,
                by=org.user(XIPENG_CASE),
            )
        with pytest.raises(NotAllowed):
            case_reconsideration_decide(
                reconsideration=request, by=org.user(XIPENG_LEADER), overturn=True, note="x"
            )
        case_reconsideration_decide(
            reconsideration=request, by=org.user(JLP_LEGAL), overturn=True, note="证据足以立案"
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED and case.filed_at


def test_reconsideration_upheld_leaves_the_refusal(org):
    case = refuse(org)
    with freeze_time("2026-01-10 09:00"):
        request = case_reconsideration_request(
            case=case, by=org.user(XIPENG_CASE), applicant="张某", reason="不服"
        )
        case_reconsideration_decide(
            reconsideration=request, by=org.user(JLP_LEGAL), overturn=False, note="维持"
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_FILED


def test_a_reconsideration_after_seven_days_is_refused(org):
    case = refuse(org)
    with freeze_time("2026-01-13 09:01"), pytest.raises(DomainError):
        case_reconsideration_request(
            case=case, by=org.user(XIPENG_CASE), applicant="张某", reason="不服"
        )


def test_the_legal_unit_finds_what_awaits_its_decision(org, client):
    waiting = accepted(org, "2026-03-01 09:00")
    case_extension_propose(case=waiting, by=org.user(XIPENG_LEADER), reason="案情复杂")
    decided = extend(org, accepted(org, "2026-03-02 09:00"))
    accepted(org, "2026-03-03 09:00")
    client.force_login(org.user(JLP_LEGAL))
    for path in ("/cases/?awaiting_decision=true", "/"):  # the list, and the unit's home
        page = client.get(path)
        assert page.status_code == 200
        shown = page.content.decode()
        assert waiting.get_absolute_url() in shown and decided.get_absolute_url() not in shown
    detail = client.get(waiting.get_absolute_url()).content.decode()
    assert "extension-decision-form" in detail and "extension-form" not in detail.replace(
        "extension-decision-form", ""
    )
