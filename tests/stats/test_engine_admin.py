"""Admin of the statistics store: the range recompute action on sub-bureaus (intermediate
form, scoped), and the read-only facts."""

import pytest
from django.urls import reverse

from apps.core.testing.personas import JLP_ADMIN
from apps.stats.models import DailyFact, StatsRun

from .engine_data import DAY1, DAY2, build

pytestmark = pytest.mark.django_db


def test_recompute_action_asks_for_the_range_then_runs(
    org, client, django_capture_on_commit_callbacks
):
    build(org, org.users[JLP_ADMIN])
    client.force_login(org.users[JLP_ADMIN])
    url = reverse("admin:stations_bureau_changelist")
    chosen = {"action": "recompute_statistics", "_selected_action": [org.jiulongpo.pk]}
    response = client.post(url, chosen)
    assert response.status_code == 200
    assert b'name="first_day"' in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**chosen, "apply": "1", "first_day": str(DAY1), "last_day": str(DAY2)}
        )
    assert response.status_code == 302
    run = StatsRun.objects.get()
    assert (run.bureau, run.status, run.days) == (org.jiulongpo, StatsRun.Status.DONE, 2)
    assert DailyFact.objects.filter(bureau=org.jiulongpo, metric="incidents").exists()
    # Another bureau is not even listed for this admin: choosing it changes nothing.
    client.post(
        url,
        {
            **chosen,
            "_selected_action": [org.yubei.pk],
            "apply": "1",
            "first_day": str(DAY1),
            "last_day": str(DAY2),
        },
    )
    assert StatsRun.objects.count() == 1
    # The facts are read-only in admin and listed for the bureau admin.
    response = client.get(reverse("admin:stats_dailyfact_changelist"))
    assert response.status_code == 200
    fact = DailyFact.objects.first()
    response = client.post(reverse("admin:stats_dailyfact_change", args=[fact.pk]), {"value": 9})
    fact.refresh_from_db()
    assert fact.value != 9
