"""The agreement (调解协议, 人民调解法 arts. 28–29): made, signed and sealed, in effect with
the last signature; judicial confirmation (art. 33); the follow-up visit (art. 31) and the
printed copy."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError
from apps.core.limits import ensure_past
from apps.core.rules import requires
from apps.core.services import personal_data_printed
from apps.core.timefmt import when
from apps.core.uploads import check_upload, store_private

from ..choices import ConfirmationStatus, FollowUpResult, MediationKind, Outcome
from ..models import (
    Agreement,
    AgreementSignature,
    Dispute,
    DisputeParty,
    FollowUp,
    MediationCommittee,
    confirmation_deadline,
)
from ..pdf import agreement_pdf
from ..workflow import DISPUTE_WORKFLOW
from ._shared import CHANGE_DISPUTE, S, _event, _move
from .sessions import _require_consent

MAX_SCAN_BYTES = 20 * 1024 * 1024


def follow_up_days() -> int:
    """The follow-up's fallback delay, only for an agreement with no performance deadline."""
    return settings.MEDIATION_FOLLOW_UP_DAYS


def _follow_up_officer(dispute: Dispute) -> User | None:
    """The community officer of the dispute's village, else of its post."""
    district = dispute.community.district if dispute.community is not None else None
    if district is not None:
        officer = district.responsible_officers.filter(is_active=True).first()
        if officer is not None:
            return officer
    if dispute.post_id:
        from apps.accounts.roles import COMMUNITY_OFFICER

        found: User | None = User.objects.filter(
            is_active=True, post_id=dispute.post_id, groups__name=COMMUNITY_OFFICER
        ).first()
        return found
    return None


@requires(CHANGE_DISPUTE)
def agreement_make(
    *,
    dispute: Dispute,
    by: User,
    terms: str,
    signed_parties: Iterable[int | DisputeParty] = (),
    scan: UploadedFile | None = None,
    oral: bool = False,
    facts: str = "",
    matters: str = "",
    responsibility: str = "",
    performance: str = "",
    performance_deadline: date | None = None,
    mediator_signed: bool = False,
    sealed: bool = False,
) -> Agreement:
    """The agreement (调解协议, 人民调解法 arts. 28–29): refused without parties, terms or
    every party's consent. Ticked parties sign now, and the mediator and the committee's
    seal may be recorded at once; a scan may carry the signatures. It takes effect with
    the last required signature or seal; an oral agreement when it is reached. The
    follow-up visit (art. 31) falls due on the performance deadline."""
    if not terms.strip():
        raise DomainError(_("Write the terms of the agreement."), code="invalid")
    now = timezone.now()
    today = timezone.localdate(now)
    if performance_deadline is not None and performance_deadline < today:
        raise DomainError(_("The performance deadline cannot be in the past."), code="invalid")
    checked = (
        check_upload(scan, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_SCAN_BYTES)
        if scan
        else None
    )
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        parties = {p.pk: p for p in dispute.parties.all()}
        if len(parties) < 2:
            raise DomainError(
                _("An agreement needs the parties: add at least two first."), code="no_parties"
            )
        if dispute.status != S.IN_MEDIATION:
            DISPUTE_WORKFLOW.check(dispute.status, S.AGREEMENT)
        _require_consent(dispute)
        signed = [p.pk if isinstance(p, DisputeParty) else p for p in signed_parties]
        if any(pk not in parties for pk in signed):
            raise DomainError(_("Only the dispute's parties can sign."), code="invalid")
        dispute.outcome = Outcome.AGREEMENT
        dispute.concluded_at = now
        _move(dispute, S.AGREEMENT, by=by)
        agreement = Agreement(
            dispute=dispute,
            oral=oral,
            facts=facts.strip() or dispute.description,
            matters=matters.strip(),
            responsibility=responsibility.strip(),
            terms=terms.strip(),
            performance=performance.strip(),
            performance_deadline=performance_deadline,
            made_at=now,
            created_by=by,
        )
        if checked and scan is not None:
            agreement.scan = store_private(checked, folder="mediation/agreements")
            agreement.scan_name = (scan.name or "")[-200:]
            agreement.scan_content_type = checked.content_type
        if oral:
            # Recorded by the mediator, in effect when reached (art. 28).
            agreement.effective_at = now
        else:
            if mediator_signed:
                _check_mediator_can_sign(dispute)
                agreement.mediator_signed_at = now
            if sealed:
                _check_seal(agreement)
                agreement.sealed_at = now
        agreement.save()
        if not oral:
            AgreementSignature.objects.bulk_create(
                AgreementSignature(agreement=agreement, party=parties[pk], signed_at=now)
                for pk in dict.fromkeys(signed)
            )
            _take_effect(agreement, by=by)
        FollowUp.objects.create(
            dispute=dispute,
            agreement=agreement,
            due_on=performance_deadline or today + timedelta(days=follow_up_days()),
            officer=_follow_up_officer(dispute),
        )
    return agreement


def _check_mediator_can_sign(dispute: Dispute) -> None:
    if dispute.mediator_id is None:
        raise Conflict(_("No mediator is assigned to sign the agreement."), code="no_mediator")


def _check_seal(agreement: Agreement) -> MediationCommittee | None:
    """The committee whose seal the agreement may carry; refused when there is none."""
    if not agreement.needs_seal:
        raise Conflict(
            _("Only a people's mediation agreement carries a mediation committee's seal."),
            code="no_seal",
        )
    mediator = agreement.dispute.mediator
    if mediator is None or mediator.committee_id is None:
        raise Conflict(
            _("The mediator belongs to no people's mediation committee: no seal to affix."),
            code="no_committee",
        )
    return mediator.committee


def missing_signatures(agreement: Agreement) -> list[str]:
    """Who or what the written agreement still waits for before it takes effect (art. 29):
    parties by name, the mediator, the committee's seal."""
    if agreement.oral:
        return []
    signed = set(agreement.signatures.values_list("party_id", flat=True))
    missing = [p.name for p in agreement.dispute.parties.all() if p.pk not in signed]
    if agreement.mediator_signed_at is None:
        missing.append(str(_("the mediator")))
    if agreement.needs_seal and agreement.sealed_at is None:
        missing.append(str(_("the committee's seal")))
    return missing


def _take_effect(agreement: Agreement, *, by: User) -> None:
    """Set `effective_at` to the time of the last required signature or seal, once all are
    there; the window for judicial confirmation opens then."""
    if agreement.effective_at is not None or missing_signatures(agreement):
        return
    times: list[datetime | None] = [s.signed_at for s in agreement.signatures.all()]
    times += [agreement.mediator_signed_at]
    if agreement.needs_seal:
        times.append(agreement.sealed_at)
    agreement.effective_at = max(at for at in times if at is not None)
    agreement.save(update_fields=["effective_at"])
    _event(
        agreement.dispute,
        by=by,
        text=_("The agreement takes effect: %(at)s") % {"at": when(agreement.effective_at)},
    )


def _locked_agreement(agreement: Agreement, by: User) -> tuple[Dispute, Agreement]:
    dispute = Dispute.objects.lock_for(by, agreement.dispute_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk, dispute=dispute)
    agreement.dispute = dispute
    if agreement.oral:
        raise Conflict(_("An oral agreement is not signed."), code="oral")
    if not agreement.in_force:
        raise Conflict(_("This agreement is no longer in force."))
    return dispute, agreement


@requires(CHANGE_DISPUTE)
def agreement_sign(*, agreement: Agreement, party: DisputeParty, by: User) -> AgreementSignature:
    """A party signs (or seals, or fingerprints) the written agreement."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        if party.dispute_id != dispute.pk:
            raise DomainError(_("Only the dispute's parties can sign."), code="invalid")
        try:
            with transaction.atomic():
                signature = AgreementSignature.objects.create(agreement=agreement, party=party)
        except IntegrityError as exc:
            raise Conflict(_("%(name)s has already signed.") % {"name": party.name}) from exc
        _event(dispute, by=by, text=_("Signed by %(name)s") % {"name": party.name})
        _take_effect(agreement, by=by)
    return signature


@requires(CHANGE_DISPUTE)
def agreement_mediator_sign(*, agreement: Agreement, by: User) -> Agreement:
    """The mediator signs the written agreement (art. 29)."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        _check_mediator_can_sign(dispute)
        if agreement.mediator_signed_at is not None:
            raise Conflict(_("The mediator has already signed."))
        agreement.mediator_signed_at = timezone.now()
        agreement.save(update_fields=["mediator_signed_at"])
        _event(
            dispute, by=by, text=_("Signed by the mediator %(name)s") % {"name": dispute.mediator}
        )
        _take_effect(agreement, by=by)
    return agreement


@requires(CHANGE_DISPUTE)
def agreement_seal(*, agreement: Agreement, by: User) -> Agreement:
    """The people's mediation committee's seal is affixed (art. 29)."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        committee = _check_seal(agreement)
        if agreement.sealed_at is not None:
            raise Conflict(_("The committee's seal is already affixed."))
        agreement.sealed_at = timezone.now()
        agreement.save(update_fields=["sealed_at"])
        _event(
            dispute,
            by=by,
            text=_("Seal of %(committee)s affixed") % {"committee": committee},
        )
        _take_effect(agreement, by=by)
    return agreement


@requires(CHANGE_DISPUTE)
def agreement_confirmation(
    *, agreement: Agreement, by: User, status: str, on: date | None = None, ruling: str = ""
) -> Agreement:
    """Track the judicial confirmation (司法确认, 人民调解法 art. 33): applied for jointly
    within 30 days of the agreement taking effect, and only for an agreement in effect;
    then confirmed or not by the court, with its ruling."""
    on = on or timezone.localdate()
    ensure_past(on, _("The date of the application or decision cannot be in the future."))
    with transaction.atomic():
        Dispute.objects.lock_for(by, agreement.dispute_id)
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if status == ConfirmationStatus.APPLIED:
            if agreement.effective_at is None:
                raise Conflict(
                    _(
                        "Judicial confirmation is only for an agreement in effect: it still "
                        "waits for %(missing)s."
                    )
                    % {"missing": "、".join(missing_signatures(agreement))},
                    code="not_in_effect",
                )
            if not agreement.in_force:
                raise Conflict(_("This agreement is no longer in force."))
            if agreement.confirmation:
                raise Conflict(_("Confirmation has already been applied for."))
            deadline = confirmation_deadline(agreement.effective_at)
            if on > deadline:
                raise DomainError(
                    _("The 30 days for judicial confirmation ended on %(date)s.")
                    % {"date": when(deadline, "date")},
                    code="window_closed",
                )
            if on < timezone.localdate(agreement.effective_at):
                raise DomainError(
                    _("The date is before the agreement took effect."), code="invalid"
                )
            agreement.confirmation_applied_on = on
        elif status in (ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED):
            if agreement.confirmation != ConfirmationStatus.APPLIED:
                raise Conflict(_("Confirmation must be applied for first."))
            applied = agreement.confirmation_applied_on
            if applied is not None and on < applied:
                raise DomainError(_("The decision cannot precede the application."), code="invalid")
            agreement.confirmation_decided_on = on
            agreement.confirmation_ruling = ruling.strip()
        else:
            raise DomainError(_("Unknown confirmation status."), code="invalid")
        agreement.confirmation = status
        agreement.save()
        _event(
            agreement.dispute,
            by=by,
            text=" · ".join(
                p
                for p in (str(ConfirmationStatus(status).label), when(on, "date"), ruling.strip())
                if p
            ),
        )
    return agreement


@requires(CHANGE_DISPUTE, "mediation.change_followup")
def follow_up_record(*, follow_up: FollowUp, by: User, result: str, note: str = "") -> FollowUp:
    if result not in FollowUpResult.values:
        raise DomainError(_("Record whether the agreement was carried out."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, follow_up.dispute_id)
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_at is not None:
            raise Conflict(_("This follow-up visit is already recorded."))
        follow_up.result = result
        follow_up.note = note.strip()
        follow_up.done_at = timezone.now()
        follow_up.done_by = by
        follow_up.save()
        text = _("Follow-up: %(result)s") % {"result": FollowUpResult(result).label}
        if dispute.status == S.AGREEMENT:
            _move(dispute, S.FOLLOWED_UP, by=by, text=text)
        else:
            _event(dispute, by=by, text=text)
        if dispute.kind == MediationKind.POLICE and result == FollowUpResult.CARRIED_OUT:
            # 治安管理处罚法 art. 9: a performed agreement ends the public-security matter.
            _event(
                dispute,
                by=by,
                text=_(
                    "The public-security mediation agreement was performed: no penalty, the "
                    "matter ends (治安管理处罚法 art. 9)."
                ),
            )
    return follow_up


@requires("mediation.view_dispute")
def agreement_print(*, agreement: Agreement, by: User, request: HttpRequest) -> bytes:
    """The agreement's PDF for the parties to sign or keep. It states each party's ID number
    and phone in full (art. 29), so each copy is logged as a full view of them."""
    parties = agreement.dispute.parties.all()
    personal_data_printed(
        by=by,
        shown=[(party, field) for party in parties for field in ("id_number", "phone")],
        request=request,
    )
    return agreement_pdf(agreement)
