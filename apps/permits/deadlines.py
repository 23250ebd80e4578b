"""The legal time limit of an application, in one place.

居住证暂行条例 第九条: incomplete documents are asked for all at once (our supplement);
for a complete application the public-security organ makes and hands out the permit within
15 days of acceptance (受理之日起15日内), which a city may extend in remote areas to at most
30 days (not used here). The workbench holds residence registrations to the same limit.

Acceptance is the last time the complete application reached the station
(`PermitApplication.accepted_at`: its submission, or its resubmission after a supplement).
Days are counted as Chinese law counts periods (民法典 第二百零一条): the day of acceptance
is not counted, so an application accepted on 1 March is due on 16 March.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

ISSUE_WITHIN = timedelta(days=15)


def issue_due_on(application) -> date | None:
    """The last day for the decision and the document; None before acceptance."""
    if application.accepted_at is None:
        return None
    return timezone.localdate(application.accepted_at) + ISSUE_WITHIN


def overdue_condition(today: date | None = None) -> Q:
    """Applications waiting for an officer past their last day: accepted before the start of
    (today − 15 days). Waiting for the applicant's supplement is not counted (the limit
    runs again from the resubmission)."""
    from .workflow import QUEUED

    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today - ISSUE_WITHIN, time.min))
    return Q(status__in=QUEUED, accepted_at__lt=start)
