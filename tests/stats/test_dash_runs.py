"""Recomputation from the pages: the bureau admin starts a run and its page shows a progress
bar that polls itself while the run works (leave and come back: the state is the run's and
the cache's, not the page's); station staff have no runs."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.core.progress import set_progress
from apps.stats.models import StatsRun
from apps.stats.services import progress_key

pytestmark = pytest.mark.django_db


def test_the_bureau_admin_recomputes_and_follows_the_progress(client, org):
    # The run's task is queued on commit, which the test's transaction never reaches: the
    # run stays under way while the test plays its progress.
    client.force_login(org.user("jlp_admin"))
    page = client.get(reverse("stats:runs"))
    assert page.status_code == 200 and reverse("stats:recompute") in page.content.decode()
    response = client.post(
        reverse("stats:recompute"),
        {"bureau": org.jiulongpo.pk, "first_day": "2026-01-01", "last_day": "2026-01-10"},
    )
    run = StatsRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stats:run_detail", args=[run.pk])
    assert (run.bureau, run.first_day, run.last_day) == (
        org.jiulongpo,
        date(2026, 1, 1),
        date(2026, 1, 10),
    )
    set_progress(progress_key(run), 4, 10)
    detail = client.get(reverse("stats:run_detail", args=[run.pk])).content.decode()
    assert (
        'hx-trigger="every 1s"' in detail and "4 / 10" in detail and 'aria-valuenow="40"' in detail
    )
    # the fragment the bar polls
    fragment = client.get(reverse("stats:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="run-status"')
    StatsRun.objects.filter(pk=run.pk).update(status=StatsRun.Status.DONE, days=10)
    cache.clear()
    done = client.get(reverse("stats:run_detail", args=[run.pk])).content.decode()
    assert "hx-trigger" not in done and 'data-testid="run-days">10<' in done


def test_a_bad_range_is_refused_with_a_message(client, org):
    client.force_login(org.user("jlp_admin"))
    response = client.post(
        reverse("stats:recompute"),
        {"bureau": org.jiulongpo.pk, "first_day": "2026-02-01", "last_day": "2026-01-10"},
        follow=True,
    )
    assert not StatsRun.objects.exists()
    assert response.redirect_chain[-1][0] == reverse("stats:runs")


def test_others_cannot_recompute_or_see_runs_of_another_bureau(client, org):
    run = StatsRun.objects.create(
        bureau=org.jiulongpo, first_day=date(2026, 1, 1), last_day=date(2026, 1, 1)
    )
    body = {"bureau": org.jiulongpo.pk, "first_day": "2026-01-01", "last_day": "2026-01-02"}
    client.force_login(org.user("xipeng_leader"))
    assert client.post(reverse("stats:recompute"), body).status_code == 403
    assert client.get(reverse("stats:run_detail", args=[run.pk])).status_code == 404
    client.force_login(org.user("yubei_admin"))
    assert client.get(reverse("stats:run_detail", args=[run.pk])).status_code == 404
    client.post(reverse("stats:recompute"), body)  # not a bureau the form offers them
    assert StatsRun.objects.count() == 1
    client.force_login(org.user("xipeng_case"))
    assert client.get(reverse("stats:runs")).status_code == 403
