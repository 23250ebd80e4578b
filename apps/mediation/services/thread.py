"""The online mediation: signed invitation links for the parties (no police account), the
thread they and the staff write in, and invitations texted through the outbox."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.masking import mask_phone
from apps.core.notifications import get_sender, notify
from apps.core.outbox import enqueue
from apps.core.phones import normalise_phone
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.uploads import check_upload, store_private

from ..models import Dispute, DisputeParty, PartyInvitation, ThreadMessage
from ._shared import CHANGE_DISPUTE, S, _event
from .sessions import next_session_text

INVITATION_SALT = "mediation.invitation"
MAX_THREAD_FILE_BYTES = 10 * 1024 * 1024


def invitation_days() -> int:
    return settings.MEDIATION_INVITATION_DAYS


@requires(CHANGE_DISPUTE)
def invitation_token(*, party: DisputeParty, by: User) -> str:
    """A signed link token for one party of one dispute; it expires after
    `invitation_days()` and carries no police account."""
    if not is_in_scope(party.dispute, by, CHANGE):
        raise OutOfScope(_("Not found."))
    if party.dispute.status == S.CLOSED:
        raise Conflict(_("This dispute is closed."))
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object(
        {"d": party.dispute_id, "p": party.pk}
    )


def invitation_read(*, token: str, dispute_id: int) -> DisputeParty:
    """The party a token admits to this dispute's thread; an expired, tampered or foreign
    token is refused."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        data = signer.unsign_object(token, max_age=timedelta(days=invitation_days()))
    except signing.SignatureExpired as exc:
        raise NotAllowed(
            _("This invitation has expired. Ask the mediator for a new link."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise NotAllowed(_("This invitation link is not valid."), code="invalid_link") from exc
    if data.get("d") != dispute_id:
        raise NotAllowed(_("This invitation is for another dispute."), code="invalid_link")
    party = (
        DisputeParty.objects.select_related("dispute__station", "dispute__mediator")
        .filter(pk=data.get("p"), dispute_id=dispute_id)
        .first()
    )
    if party is None or party.dispute.status == S.CLOSED:
        raise NotAllowed(_("This invitation link is not valid."), code="invalid_link")
    return party


@requires(CHANGE_DISPUTE)
def thread_post(
    *, dispute: Dispute, by: User, text: str = "", upload: UploadedFile | None = None
) -> ThreadMessage:
    """Post to the thread as staff."""
    return _post(dispute.pk, by=by, text=text, upload=upload)


def thread_post_by_party(
    *, party: DisputeParty, text: str = "", upload: UploadedFile | None = None
) -> ThreadMessage:
    """Post to the thread as a party admitted by an invitation (`invitation_read`): the
    link is the party's right to write, there is no account and no role to check. The
    mediator is told at once."""
    with transaction.atomic():
        message = _post(party.dispute_id, party=party, text=text, upload=upload)
        dispute = message.dispute
        if dispute.mediator and dispute.mediator.user_id:
            notify(
                recipients=[dispute.mediator.user],
                title=_("New message from %(name)s: %(number)s")
                % {"name": party.name, "number": dispute.number},
                body=text.strip()[:100],
                url=dispute.get_absolute_url(),
            )
    return message


def _post(
    dispute_id: int,
    *,
    text: str,
    upload: UploadedFile | None,
    by: User | None = None,
    party: DisputeParty | None = None,
) -> ThreadMessage:
    """The message by its one author, staff (`by`, within their scope) or a party."""
    if not text.strip() and upload is None:
        raise DomainError(_("Write a message or attach a file."), code="invalid")
    checked = None
    if upload is not None:
        checked = check_upload(
            upload, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_THREAD_FILE_BYTES
        )
    with transaction.atomic():
        if by is not None:
            dispute = Dispute.objects.lock_for(by, dispute_id)
        else:
            dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
        if dispute.status == S.CLOSED:
            raise Conflict(_("This dispute is closed."))
        message = ThreadMessage(dispute=dispute, author=by, party=party, text=text.strip())
        if checked is not None and upload is not None:
            message.file = store_private(checked, folder="mediation/thread")
            message.file_name = (upload.name or "")[-200:]
            message.content_type = checked.content_type
        message.save()
    return message


# --- invitations by text message -------------------------------------------------------------

# A second text to the same party this soon is a double click, not a new invitation.
INVITATION_RESEND = timedelta(minutes=1)


def invitation_link(*, party: DisputeParty, by: User, site_url: str) -> str:
    """The party's signed link to the online mediation, absolute on `site_url` (the
    scheme and host the mediator reached the workbench by)."""
    token = invitation_token(party=party, by=by)
    return site_url.rstrip("/") + reverse("mediation:join", args=[party.dispute_id, token])


def invitation_message(*, party: DisputeParty, link: str) -> tuple[str, str]:
    """The texted invitation's title and text, in Chinese whatever the mediator's language:
    the station, the mediator by name (never an account name), the link with its lifetime
    and the planned session."""
    dispute = party.dispute
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "station": dispute.station.name,
            "number": dispute.number,
            "mediator": dispute.mediator.name if dispute.mediator else "",
        }
        if dispute.mediator:
            title = _(
                "[%(station)s] Mediator %(mediator)s invites you to the mediation of "
                "dispute %(number)s"
            )
        else:
            title = _("[%(station)s] You are invited to the mediation of dispute %(number)s")
        body = _(
            "%(name)s, open this link to take part in the online mediation (valid for "
            "%(days)d days): %(link)s"
        ) % {"name": party.name, "days": invitation_days(), "link": link}
        if dispute.next_session_at:
            body += " " + _("Next session: %(session)s.") % {"session": next_session_text(dispute)}
        return title % names, body


def can_text(phone: str) -> bool:
    """Whether an invitation can be texted to this number (a mainland mobile)."""
    try:
        normalise_phone(phone)
    except DomainError:
        return False
    return True


@requires(CHANGE_DISPUTE)
def invitation_sms(*, party: DisputeParty, by: User, site_url: str) -> PartyInvitation:
    """Text the party the invitation through the notification sender, queued with this
    transaction (apps.core.outbox) so that a refused change sends nothing. Refused without
    a mobile number, and within a minute of the last text to the same party."""
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, party.dispute_id)
        party = DisputeParty.objects.select_related("dispute__station", "dispute__mediator").get(
            pk=party.pk, dispute=dispute
        )
        if not can_text(party.phone):
            raise DomainError(
                _("%(name)s has no mobile phone number to text.") % {"name": party.name},
                code="no_mobile",
            )
        if PartyInvitation.objects.filter(
            party=party, created_at__gte=timezone.now() - INVITATION_RESEND
        ).exists():
            raise Conflict(
                _("An invitation was texted to %(name)s a moment ago.") % {"name": party.name},
                code="throttled",
            )
        link = invitation_link(party=party, by=by, site_url=site_url)
        title, body = invitation_message(party=party, link=link)
        invitation = PartyInvitation.objects.create(
            dispute=dispute, party=party, title=title, body=body, created_by=by
        )
        _event(
            dispute,
            by=by,
            text=_("Invitation texted to %(name)s (%(phone)s)")
            % {"name": party.name, "phone": mask_phone(party.phone)},
        )
        enqueue("mediation.invitation_sms_send", invitation.pk)
    return invitation


def invitation_sms_deliver(*, invitation_id: int) -> bool:
    """Hand one texted invitation to the sender, to the party's mobile number (kept on the
    party alone), once: a retried task finds it sent."""
    with transaction.atomic():
        invitation = (
            PartyInvitation.objects.select_for_update()
            .select_related("party")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        get_sender().send(
            phone=normalise_phone(invitation.party.phone),
            title=invitation.title,
            body=invitation.body,
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True
