"""The daily reminders: overdue assessments, follow-up visits due, judicial-confirmation
windows closing. System work: no caller, once a day per record however often it runs."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import DESK_OFFICER
from apps.core.notifications import notify
from apps.core.timefmt import when

from ..choices import ConfirmationStatus
from ..models import Agreement, Dispute, FollowUp
from ._shared import S


def confirmation_remind_days() -> int:
    """How many days before the judicial-confirmation window closes the reminder goes out."""
    return settings.MEDIATION_CONFIRMATION_REMIND_DAYS


def mediation_remind() -> int:
    """Daily: tell the desk of each dispute past its assessment deadline, and each officer
    of follow-up visits due today or overdue; once a day per record however often it runs."""
    today = timezone.localdate()
    sent = 0
    late = Dispute.objects.filter(status=S.RECEIVED, assess_by__lt=timezone.now()).exclude(
        reminded_on=today
    )
    for dispute in late:
        with transaction.atomic():
            if (
                not Dispute.objects.filter(pk=dispute.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            notify(
                recipients=User.objects.filter(
                    is_active=True, station_id=dispute.station_id, groups__name=DESK_OFFICER
                ),
                title=_("Assessment overdue: %(number)s") % {"number": dispute.number},
                body=dispute.get_category_display(),
                url=dispute.get_absolute_url(),
            )
            sent += 1
    due = (
        FollowUp.objects.filter(done_at=None, due_on__lte=today)
        .exclude(reminded_on=today)
        .select_related("dispute", "officer")
    )
    for follow_up in due:
        with transaction.atomic():
            if (
                not FollowUp.objects.filter(pk=follow_up.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            recipients = (
                [follow_up.officer]
                if follow_up.officer
                else User.objects.filter(
                    is_active=True,
                    station_id=follow_up.dispute.station_id,
                    groups__name=DESK_OFFICER,
                )
            )
            notify(
                recipients=recipients,
                title=_("Follow-up visit due: %(number)s") % {"number": follow_up.dispute.number},
                body=when(follow_up.due_on, "date"),
                url=follow_up.dispute.get_absolute_url(),
            )
            sent += 1
    return sent + _remind_confirmation_windows(today)


def _remind_confirmation_windows(today: date) -> int:
    """Tell the mediator (else the station's desk), once per agreement, when the window for
    judicial confirmation of an agreement in effect closes within CONFIRMATION_REMIND_DAYS
    and nobody has applied (人民调解法 art. 33)."""
    from ..models import CONFIRMATION_WINDOW

    ahead = timedelta(days=confirmation_remind_days())
    # Deadline = local day of effect + 30 days: in [today, today + ahead].
    earliest = timezone.make_aware(datetime.combine(today - CONFIRMATION_WINDOW, time.min))
    latest = timezone.make_aware(datetime.combine(today - CONFIRMATION_WINDOW + ahead, time.max))
    closing = (
        Agreement.objects.filter(
            in_force=True,
            confirmation=ConfirmationStatus.NONE,
            confirmation_reminded_on=None,
            effective_at__range=(earliest, latest),
        )
        .select_related("dispute__mediator__user")
        .order_by("id")
    )
    sent = 0
    for agreement in closing:
        with transaction.atomic():
            if not Agreement.objects.filter(pk=agreement.pk, confirmation_reminded_on=None).update(
                confirmation_reminded_on=today
            ):
                continue
            dispute = agreement.dispute
            mediator = dispute.mediator
            recipients = (
                [mediator.user]
                if mediator is not None and mediator.user_id
                else User.objects.filter(
                    is_active=True, station_id=dispute.station_id, groups__name=DESK_OFFICER
                )
            )
            notify(
                recipients=recipients,
                title=_("Judicial confirmation window closing: %(number)s")
                % {"number": dispute.number},
                body=_("The parties may apply jointly until %(date)s.")
                % {"date": when(agreement.confirmation_deadline, "date")},
                url=dispute.get_absolute_url(),
            )
            sent += 1
    return sent
