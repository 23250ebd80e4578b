"""Patrols written straight to the table, for tests whose subject is not how a patrol is
planned or started (tracks_helpers.planned_patrol goes through the services)."""

from datetime import timedelta

from django.utils import timezone

from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.patrols.choices import PatrolMode, PatrolStatus
from apps.patrols.models import Patrol


def make_patrol(
    org,
    *,
    station=None,
    status=PatrolStatus.ACTIVE,
    mode=PatrolMode.FOOT,
    by=None,
    officers=None,
    start=None,
    end=None,
    planned=(),
    covered=(),
    **fields,
):
    """A patrol of 西彭 under way for an hour, by its community officer, unless told
    otherwise; `officers` default to the one who made it."""
    by = by or org.user(XIPENG_COMMUNITY)
    start = start or timezone.now() - timedelta(hours=1)
    patrol = Patrol.objects.create(
        station=station or org.xipeng,
        mode=mode,
        status=status,
        planned_start=start,
        started_at=start,
        ended_at=end,
        created_by=by,
        **fields,
    )
    patrol.officers.set([by] if officers is None else officers)
    patrol.communities.set(planned)
    patrol.covered.set(covered)
    return patrol
