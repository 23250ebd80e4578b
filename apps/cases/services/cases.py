"""Every write of cases (受案 to 结案): acceptance, the workflow, time limits and their
extensions and pauses, reconsideration, parties and evidence. Keyword-only, one transaction,
the case's row locked (`lock_for`) before a change, a DomainError otherwise."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.limits import ensure_past
from apps.core.notifications import notify
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.services import next_number
from apps.core.timefmt import when
from apps.core.uploads import check_upload, store_private
from apps.registry.models import Person
from apps.stations.models import Station
from apps.stations.numbers import record_number

from .. import law
from ..choices import (
    CRIMINAL_INJURY_GRADES,
    CaseKind,
    CaseStatus,
    ExtensionKind,
    InjuryGrade,
    SuspensionKind,
)
from ..models import (
    Case,
    CaseEvent,
    CaseEvidence,
    CaseExtension,
    CaseParty,
    CaseSuspension,
    Incident,
    IncidentCategory,
    Reconsideration,
)
from ..workflow import CASE_WORKFLOWS, closing_outcomes

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
CASE_SERIES: dict[str, str] = {CaseKind.CRIMINAL: "XS", CaseKind.PUBLIC_SECURITY: "ZA"}
EXTENSION_DECIDERS = gettext_lazy(
    "Only the sub-bureau, the superior organ, can approve a deadline extension."
)


def _case_event(case: Case, *, by: User, text: str, status: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, by=by, status=status, text=text[:500])


def _open_case(
    *,
    by: User,
    kind: str,
    title: str,
    station: Station | None = None,
    summary: str = "",
    category: IncidentCategory | None = None,
    lead_officer: User | None = None,
    incidents: Iterable[Incident] = (),
    accepted_at: datetime | None = None,
) -> Case:
    """Accept a case (受案): numbered per station, series and year without gaps; a
    public-security case gets its handling deadline and a criminal matter its filing
    review's, both by the rules in force on the day of acceptance (law.py)."""
    if kind not in CaseKind.values:
        raise DomainError(_("Choose criminal or public-security case."), code="invalid")
    station = station or by.station
    if station is None:
        raise DomainError(_("Choose the station that accepts the case."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    if not title.strip():
        raise DomainError(_("Give the case a title."), code="invalid")
    accepted_at = accepted_at or timezone.now()
    with transaction.atomic():
        year = timezone.localtime(accepted_at).year
        seq = next_number(station=station, series=CASE_SERIES[kind], year=year)
        case = Case(
            station=station,
            number=record_number(station, CASE_SERIES[kind], year, seq),
            kind=kind,
            title=title.strip()[:120],
            summary=summary,
            category=category,
            lead_officer=lead_officer,
            accepted_at=accepted_at,
            created_by=by,
        )
        case.deadline = _deadline(case)
        try:
            case.full_clean(exclude=["number"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        case.save()
        for incident in incidents:
            if incident.station_id != station.pk:
                raise DomainError(_("The incident belongs to another station."), code="invalid")
            Incident.objects.filter(pk=incident.pk).update(case=case)
        _case_event(case, by=by, status=case.status, text=_("Case accepted."))
    return case


case_open = requires("cases.add_case")(_open_case)


def _deadline(case: Case) -> datetime | None:
    """The time limit running now for `case` (see Case.deadline)."""
    if case.kind == CaseKind.CRIMINAL:
        if case.status != CaseStatus.ACCEPTED:
            return None
        approved = [
            e.days
            for e in (case.extensions.all() if case.pk else ())
            if e.kind == ExtensionKind.FILING and e.approved
        ]
        review = timedelta(days=max(approved)) if approved else law.FILING_REVIEW
        return case.accepted_at + review
    rule = law.public_security_rule(case.accepted_at)
    deadline = case.accepted_at + rule.limit
    if case.pk:
        granted = case.extensions.filter(kind=ExtensionKind.HANDLING, approved=True).count()
        deadline += rule.extension * granted
        for period in case.suspensions.filter(kind__in=rule.excluded, ended_at__isnull=False):
            assert period.ended_at is not None  # the filter's
            deadline += period.ended_at - period.started_at
    return deadline


@requires("cases.change_case")
def case_transition(*, case: Case, to: str, by: User, outcome: str = "", note: str = "") -> Case:
    """Move a case along its kind's workflow (workflow.CASE_WORKFLOWS); closing needs an
    outcome that fits where the case stands; a refusal to file needs its reasons, which go
    on the 不予立案通知书."""
    if to not in CaseStatus.values:
        raise DomainError(_("Unknown case status."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        CASE_WORKFLOWS[case.kind].check(case.status, to)
        if to == CaseStatus.CLOSED:
            if outcome not in closing_outcomes(case.kind, case.status):
                raise DomainError(
                    _("Choose an outcome that fits a case that is “%(status)s”.")
                    % {"status": case.get_status_display()},
                    code="invalid",
                )
            if case.reconsiderations.filter(overturned__isnull=True).exists():
                raise Conflict(_("A reconsideration of this case awaits its decision."))
            case.outcome = outcome
            case.outcome_note = note.strip()
        now = timezone.now()
        if to == CaseStatus.NOT_FILED:
            if not note.strip():
                raise DomainError(
                    _("Give the reasons for not filing: they go on the notice."), code="invalid"
                )
            case.not_filed_reasons = note.strip()
        stamps: dict[str, str] = {
            CaseStatus.FILED: "filed_at",
            CaseStatus.NOT_FILED: "not_filed_at",
            CaseStatus.SOLVED: "solved_at",
            CaseStatus.CLOSED: "closed_at",
        }
        stamp = stamps.get(to)
        if stamp:
            setattr(case, stamp, now)
        case.status = to
        case.deadline = _deadline(case)
        case.save()
        text = str(CaseStatus(to).label)
        if outcome:
            text += f" · {case.get_outcome_display()}"
        if note.strip():
            text += f" · {note.strip()}"
        _case_event(case, by=by, status=to, text=text)
    return case


@requires(
    "cases.propose_extension",
    message=gettext_lazy("Only a station leader can propose a deadline extension."),
)
def case_extension_propose(
    *, case: Case, by: User, reason: str, kind: str = ExtensionKind.HANDLING, days: int = 30
) -> CaseExtension:
    """The station proposes a longer time limit; the sub-bureau decides
    (case_extension_decide). A public-security case may be extended as often as the rule
    of its acceptance day allows; a criminal filing review up to 7 or 30 days."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="invalid")
    if kind not in ExtensionKind.values:
        raise DomainError(_("Choose which time limit to extend."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if case.extensions.filter(approved__isnull=True).exists():
            raise Conflict(_("An extension of this case already awaits its decision."))
        if kind == ExtensionKind.HANDLING:
            if case.kind != CaseKind.PUBLIC_SECURITY:
                raise Conflict(_("Only public-security cases have a handling limit to extend."))
            rule = law.public_security_rule(case.accepted_at)
            granted = case.extensions.filter(kind=kind, approved=True).count()
            if granted >= rule.max_extensions:
                raise Conflict(
                    _(
                        "The law in force when this case was accepted (%(rule)s) allows no "
                        "more extensions."
                    )
                    % {"rule": rule.citation}
                )
            days = rule.extension.days
        else:
            if not case.is_filing_review:
                raise Conflict(
                    _("Only a criminal matter awaiting its filing decision has a review to extend.")
                )
            if days not in law.FILING_EXTENSIONS:
                raise DomainError(_("A filing review runs 7 or 30 days."), code="invalid")
            longest = max(
                [e.days for e in case.extensions.filter(kind=kind, approved=True)], default=3
            )
            if days <= longest:
                raise Conflict(_("The filing review is already that long."))
        extension = CaseExtension.objects.create(
            case=case, kind=kind, days=days, reason=reason.strip()[:200], proposed_by=by
        )
        _case_event(
            case,
            by=by,
            text=_("Extension proposed (%(kind)s, %(days)s days): %(reason)s")
            % {"kind": extension.get_kind_display(), "days": days, "reason": reason.strip()},
        )
    return extension


@requires("cases.approve_extension", message=EXTENSION_DECIDERS)
def case_extension_decide(
    *, extension: CaseExtension, by: User, approve: bool, note: str = ""
) -> CaseExtension:
    """The superior organ — for a station, its sub-bureau — approves or refuses a proposed
    extension (治安管理处罚法 2005 第99条 / 2025 第117条; 受案立案意见)."""
    if by.station_id is not None:
        # The permission alone is not enough: the superior organ is a bureau's user.
        raise NotAllowed(EXTENSION_DECIDERS)
    with transaction.atomic():
        case = Case.objects.lock_for(by, extension.case_id)
        extension = CaseExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.approved is not None:
            raise Conflict(_("This extension has already been decided."))
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if extension.kind == ExtensionKind.FILING and not case.is_filing_review:
            raise Conflict(_("The filing decision has already been taken."))
        extension.approved = bool(approve)
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.decision_note = note.strip()[:200]
        extension.save()
        case.deadline = _deadline(case)
        case.save(update_fields=["deadline", "updated_at"])
        if approve:
            text = _("Extension approved; deadline now %(date)s") % {
                "date": when(case.deadline, "date")
            }
        else:
            text = _("Extension refused")
        if note.strip():
            text += f": {note.strip()}"
        _case_event(case, by=by, text=text)
    return extension


@requires("cases.change_case")
def case_suspension_start(
    *, case: Case, by: User, kind: str, started_at: datetime | None = None, note: str = ""
) -> CaseSuspension:
    """Record the start of a forensic appraisal (鉴定) or a hearing (听证). While it runs,
    the clock stands still if the case's rule does not count it."""
    if kind not in SuspensionKind.values:
        raise DomainError(_("Choose appraisal or hearing."), code="invalid")
    started_at = started_at or timezone.now()
    ensure_past(started_at, _("The start cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if started_at < case.accepted_at:
            raise DomainError(
                _("The period cannot start before the case was accepted."), code="invalid"
            )
        if case.suspensions.filter(ended_at__isnull=True).exists():
            raise Conflict(_("Another appraisal or hearing of this case is still open."))
        period = CaseSuspension.objects.create(
            case=case, kind=kind, started_at=started_at, note=note.strip()[:200], by=by
        )
        if (
            case.kind == CaseKind.PUBLIC_SECURITY
            and kind in law.public_security_rule(case.accepted_at).excluded
        ):
            case.paused_since = started_at
            case.save(update_fields=["paused_since", "updated_at"])
        _case_event(
            case,
            by=by,
            text=_("%(kind)s started %(date)s")
            % {"kind": period.get_kind_display(), "date": when(started_at, "date")},
        )
    return period


def _end_suspension(case: Case, period: CaseSuspension, *, by: User, ended_at: datetime) -> None:
    if ended_at < period.started_at:
        raise DomainError(_("The period cannot end before it started."), code="invalid")
    period.ended_at = ended_at
    period.save(update_fields=["ended_at"])
    case.paused_since = None
    case.deadline = _deadline(case)
    case.save(update_fields=["paused_since", "deadline", "updated_at"])
    _case_event(
        case,
        by=by,
        text=_("%(kind)s ended %(date)s")
        % {"kind": period.get_kind_display(), "date": when(ended_at, "date")},
    )


@requires("cases.change_case")
def case_suspension_end(
    *, case: Case, by: User, ended_at: datetime | None = None
) -> CaseSuspension:
    """Record the end of the open appraisal or hearing; the deadline moves by its length
    when the rule does not count it."""
    ended_at = ended_at or timezone.now()
    ensure_past(ended_at, _("The end cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        period: CaseSuspension | None = (
            case.suspensions.select_for_update().filter(ended_at__isnull=True).first()
        )
        if period is None:
            raise Conflict(_("No appraisal or hearing of this case is open."))
        _end_suspension(case, period, by=by, ended_at=ended_at)
    return period


@requires("cases.change_case")
def case_injury_grade(*, case: Case, by: User, grade: str, at: datetime | None = None) -> Case:
    """Record the injury grade when the appraisal comes back (it ends the open appraisal).
    The case's kind follows it: a light injury or worse makes a public-security case a
    criminal matter awaiting its filing decision (renumbered in the criminal series); a
    minor injury makes a criminal matter not yet filed a public-security case."""
    if grade not in InjuryGrade.values:
        raise DomainError(_("Choose the injury grade."), code="invalid")
    at = at or timezone.now()
    ensure_past(at, _("The date cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        period = case.suspensions.filter(
            ended_at__isnull=True, kind=SuspensionKind.APPRAISAL
        ).first()
        if period is not None:
            _end_suspension(case, period, by=by, ended_at=max(at, period.started_at))
        case.injury_grade = grade
        text = _("Injury grade: %(grade)s") % {"grade": InjuryGrade(grade).label}
        target = None
        if grade in CRIMINAL_INJURY_GRADES and case.kind == CaseKind.PUBLIC_SECURITY:
            target = CaseKind.CRIMINAL
        elif (
            grade not in CRIMINAL_INJURY_GRADES
            and case.kind == CaseKind.CRIMINAL
            and case.status == CaseStatus.ACCEPTED
        ):
            target = CaseKind.PUBLIC_SECURITY
        if target:
            old_number = case.number
            year = timezone.localtime(case.accepted_at).year
            seq = next_number(station=case.station, series=CASE_SERIES[target], year=year)
            case.number = record_number(case.station, CASE_SERIES[target], year, seq)
            case.kind = target
            case.status = CaseStatus.ACCEPTED
            case.paused_since = None
            if target == CaseKind.CRIMINAL:
                # The filing review runs from the day the grade made it a criminal matter.
                case.accepted_at = at
            text += " · " + _("now a %(kind)s, %(number)s (was %(old)s)") % {
                "kind": CaseKind(target).label,
                "number": case.number,
                "old": old_number,
            }
        case.deadline = _deadline(case)
        case.save()
        _case_event(case, by=by, status=case.status if target else "", text=text)
    return case


@requires("cases.change_case")
def case_reconsideration_request(
    *, case: Case, by: User, applicant: str, reason: str, requested_at: datetime | None = None
) -> Reconsideration:
    """Record the complainant's request for reconsideration (复议) of a refusal to file: due
    within 7 days of the notice (公安机关办理刑事案件程序规定 第180条)."""
    if not applicant.strip() or not reason.strip():
        raise DomainError(_("Give the applicant and the reasons."), code="invalid")
    requested_at = requested_at or timezone.now()
    ensure_past(requested_at, _("The date cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.kind != CaseKind.CRIMINAL or case.status != CaseStatus.NOT_FILED:
            raise Conflict(_("Only a refusal to file can be reconsidered."))
        assert case.not_filed_at is not None  # stamped with the refusal (case_transition)
        if requested_at > case.not_filed_at + law.RECONSIDERATION_WITHIN:
            raise DomainError(
                _("The 7 days for asking a reconsideration have passed."), code="invalid"
            )
        if case.reconsiderations.filter(overturned__isnull=True).exists():
            raise Conflict(_("A reconsideration of this case awaits its decision."))
        request = Reconsideration.objects.create(
            case=case,
            applicant=applicant.strip()[:50],
            reason=reason.strip(),
            requested_at=requested_at,
            recorded_by=by,
        )
        _case_event(
            case,
            by=by,
            text=_("Reconsideration requested by %(applicant)s") % {"applicant": request.applicant},
        )
    return request


@requires(
    "cases.decide_reconsideration",
    message=gettext_lazy("Only the sub-bureau's legal affairs unit decides a reconsideration."),
)
def case_reconsideration_decide(
    *, reconsideration: Reconsideration, by: User, overturn: bool, note: str
) -> Reconsideration:
    """The organ decides the reconsideration; overturning the refusal files the case."""
    if not note.strip():
        raise DomainError(_("Write the decision."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, reconsideration.case_id)
        reconsideration = Reconsideration.objects.select_for_update().get(pk=reconsideration.pk)
        if reconsideration.overturned is not None:
            raise Conflict(_("This reconsideration has already been decided."))
        reconsideration.overturned = bool(overturn)
        reconsideration.decided_by = by
        reconsideration.decided_at = timezone.now()
        reconsideration.decision_note = note.strip()
        reconsideration.save()
        if overturn:
            case.status = CaseStatus.FILED
            case.filed_at = reconsideration.decided_at
            case.deadline = None
            case.save()
            text = _("Reconsideration: refusal overturned, case filed")
        else:
            text = _("Reconsideration: refusal upheld")
        _case_event(
            case,
            by=by,
            status=case.status if overturn else "",
            text=f"{text} · {note.strip()}",
        )
    return reconsideration


@requires("cases.change_case")
def case_party_add(
    *,
    case: Case,
    by: User,
    role: str,
    name: str = "",
    person: Person | None = None,
    phone: str = "",
    note: str = "",
) -> CaseParty:
    """Add a person involved; a registry person gives the name and phone."""
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if person is not None:
            if not is_in_scope(person, by, "view"):
                raise OutOfScope(_("Not found."))
            name = name or person.name
            phone = phone or person.phone
        party = CaseParty(
            case=case, role=role, person=person, name=name.strip(), phone=phone.strip(), note=note
        )
        try:
            party.full_clean()
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        party.save()
        _case_event(case, by=by, text=f"{party.get_role_display()}: {party.name}")
    return party


@requires("cases.change_case")
def case_evidence_add(
    *, case: Case, by: User, upload: UploadedFile, kind: str, description: str = ""
) -> CaseEvidence:
    """Attach an evidence file: checked by content (JPEG, PNG, PDF, MP4), kept privately."""
    checked = check_upload(
        upload, allowed=("jpeg", "png", "pdf", "mp4"), max_bytes=MAX_EVIDENCE_BYTES
    )
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        evidence = CaseEvidence(
            case=case,
            kind=kind,
            description=description.strip(),
            file=store_private(checked, folder="evidence"),
            file_name=(upload.name or "")[:200],
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            uploaded_by=by,
        )
        try:
            evidence.full_clean(exclude=["file"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        evidence.save()
        _case_event(case, by=by, text=_("Evidence added: %(name)s") % {"name": evidence.file_name})
    return evidence


def cases_remind_deadlines(*, within: timedelta = timedelta(days=3)) -> int:
    """Tell each lead officer (or, without one, the station's leaders) about open cases
    due within `within` or overdue; once a day per case, however often the task runs."""
    from apps.accounts.roles import STATION_LEADER

    today = timezone.localdate()
    due = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(deadline__lt=timezone.now() + within, paused_since__isnull=True)
        .exclude(reminded_on=today)
        .select_related("lead_officer")
    )
    sent = 0
    for case in due:
        with transaction.atomic():
            if (
                not Case.objects.select_for_update()
                .filter(pk=case.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            recipients = (
                [case.lead_officer]
                if case.lead_officer
                else User.objects.filter(station_id=case.station_id, groups__name=STATION_LEADER)
            )
            assert case.deadline is not None  # the query's filter
            overdue = case.deadline < timezone.now()
            title = (_("Overdue: %(number)s") if overdue else _("Deadline near: %(number)s")) % {
                "number": case.number
            }
            notify(
                recipients=recipients,
                title=title,
                body=_("Deadline %(date)s · %(title)s")
                % {"date": when(case.deadline, "date"), "title": case.title},
                url=case.get_absolute_url(),
            )
            sent += 1
    return sent
