"""The patrol pages: list, plan, detail with its figures, and start/finish/cancel; plus the
persona matrix over pages, API and admin."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    JLP_ADMIN,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
    YUBEI_ADMIN,
)
from apps.patrols.choices import PatrolStatus
from apps.patrols.findings.services import finding_report
from apps.patrols.models import Patrol, PatrolSettings
from apps.patrols.services import broadcast_log, track_ingest

from .tracks_helpers import START, planned_patrol, walk

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PATROL_READERS = {XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, SHUANGFENG_DESK} | BUREAU_ADMINS
PATROL_WRITERS = {XIPENG_COMMUNITY, XIPENG_LEADER, "superuser"}


class TestPatrolMatrix(ResourceMatrix):
    list_url_name = "patrols:patrol_list"
    detail_url_name = "patrols:patrol_detail"
    api_basename = "patrol"
    readers = PATROL_READERS
    writers = PATROL_WRITERS
    api_patch = {"route": "迎新村—园区"}

    def make(self, org):
        return planned_patrol(org, start=False)


class TestPages:
    def test_the_list_shows_the_patrol_with_its_figures(self, client, org):
        patrol = planned_patrol(org)
        track_ingest(
            patrol=patrol, by=org.user(XIPENG_COMMUNITY), client_id=uuid.uuid4(), points=walk(160)
        )
        client.force_login(org.user(XIPENG_COMMUNITY))
        page = client.get(reverse("patrols:patrol_list"), **EN).content.decode()
        assert f'data-patrol="{patrol.pk}"' in page
        assert "Under way" in page and "迎新村" in page
        assert reverse("patrols:patrol_create") in page

    def test_the_detail_lists_the_patrols_findings_in_constant_queries(
        self, client, org, django_assert_max_num_queries
    ):
        patrol = planned_patrol(org)
        officer = org.user(XIPENG_COMMUNITY)
        client.force_login(officer)
        url = reverse("patrols:patrol_detail", args=[patrol.pk])

        def report(n):
            for i in range(n):
                finding_report(
                    by=officer,
                    patrol=patrol,
                    kind="hazard",
                    description=f"隐患{i}",
                    found_at=START + timedelta(minutes=i + 1),
                )

        report(1)
        with django_assert_max_num_queries(40) as one:
            client.get(url)
        report(5)
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = client.get(url, **EN).content.decode()
        assert page.count("data-finding=") == 6 and "隐患4" in page
        finding = patrol.findings.first()
        detail = client.get(reverse("patrols:finding_detail", args=[finding.pk])).content.decode()
        assert f'href="{url}"' in detail

    def test_the_list_filters_by_status(self, client, org):
        planned = planned_patrol(org, start=False)
        active = planned_patrol(org, at=START + timedelta(hours=1))
        client.force_login(org.user(XIPENG_COMMUNITY))
        page = client.get(reverse("patrols:patrol_list"), {"status": "planned"}).content.decode()
        assert f'data-patrol="{planned.pk}"' in page and f'data-patrol="{active.pk}"' not in page

    def test_the_list_costs_the_same_queries_for_more_patrols(
        self, client, org, django_assert_max_num_queries
    ):
        for i in range(8):
            planned_patrol(org, at=START + timedelta(hours=i))
        client.force_login(org.user(XIPENG_COMMUNITY))
        with django_assert_max_num_queries(12):
            assert client.get(reverse("patrols:patrol_list")).status_code == 200

    def test_plan_a_patrol_on_the_form(self, client, org):
        client.force_login(org.user(XIPENG_COMMUNITY))
        url = reverse("patrols:patrol_create")
        page = client.get(url, **EN).content.decode()
        assert "迎新村" in page and "participants-TOTAL_FORMS" in page
        response = client.post(
            url,
            {
                "mode": "night_village",
                "post": org.park_post.pk,
                "planned_start": "2026-06-01T20:00",
                "officers": [org.user(XIPENG_COMMUNITY).pk],
                "communities": [org.yingxin.pk],
                "loudspeaker": "on",
                "participants-TOTAL_FORMS": "3",
                "participants-INITIAL_FORMS": "0",
                "participants-0-kind": "security_guard",
                "participants-0-name": "李保安",
                "participants-0-phone": "13800001111",
                "participants-1-kind": "",
                "participants-1-name": "",
            },
        )
        patrol = Patrol.objects.get()
        assert response.status_code == 302 and response["Location"] == patrol.get_absolute_url()
        assert patrol.mode == "night_village" and patrol.loudspeaker
        assert [p.name for p in patrol.participants.all()] == ["李保安"]

    def test_the_form_refuses_a_patrol_without_officers(self, client, org):
        client.force_login(org.user(XIPENG_COMMUNITY))
        response = client.post(
            reverse("patrols:patrol_create"),
            {
                "mode": "foot",
                "planned_start": "2026-06-01T20:00",
                "participants-TOTAL_FORMS": "0",
                "participants-INITIAL_FORMS": "0",
            },
            **EN,
        )
        assert response.status_code == 200 and not Patrol.objects.exists()
        assert "This field is required." in response.content.decode()

    def test_a_reader_cannot_open_the_form(self, client, org):
        client.force_login(org.user(XIPENG_DESK))
        assert client.get(reverse("patrols:patrol_create")).status_code == 403

    def test_the_detail_page_shows_figures_participants_broadcasts_and_the_map(self, client, org):
        patrol = planned_patrol(
            org,
            participants=[{"kind": "grid_worker", "name": "张网格", "phone": "13912345678"}],
        )
        by = org.user(XIPENG_COMMUNITY)
        track_ingest(patrol=patrol, by=by, client_id=uuid.uuid4(), points=walk(160))
        at = START + timedelta(minutes=10)
        broadcast_log(patrol=patrol, by=by, message="防盗防骗", at=at, now=at)
        client.force_login(by)
        page = client.get(patrol.get_absolute_url(), **EN).content.decode()
        patrol.refresh_from_db()
        assert f"{patrol.distance_m} m" in page
        assert "张网格" in page and "139****5678" in page and "13912345678" not in page
        assert "防盗防骗" in page and "迎新村" in page
        assert f'data-track-url="{reverse("patrol-track", args=[patrol.pk])}"' in page
        assert reverse("patrols:patrol_finish", args=[patrol.pk]) in page

    def test_start_finish_and_finish_again_from_the_page(self, client, org):
        patrol = planned_patrol(org, start=False)
        client.force_login(org.user(XIPENG_COMMUNITY))
        client.post(reverse("patrols:patrol_start", args=[patrol.pk]))
        patrol.refresh_from_db()
        assert patrol.status == PatrolStatus.ACTIVE
        client.post(reverse("patrols:patrol_finish", args=[patrol.pk]))
        response = client.post(
            reverse("patrols:patrol_finish", args=[patrol.pk]), follow=True, **EN
        )
        assert "This patrol is already finished." in response.content.decode()
        patrol.refresh_from_db()
        assert patrol.status == PatrolStatus.FINISHED

    def test_cancel_from_the_page(self, client, org):
        patrol = planned_patrol(org, start=False)
        client.force_login(org.user(XIPENG_LEADER))
        client.post(reverse("patrols:patrol_cancel", args=[patrol.pk]))
        patrol.refresh_from_db()
        assert patrol.status == PatrolStatus.CANCELLED

    @pytest.mark.parametrize("persona, expected", [(XIPENG_DESK, 403), (SHUANGFENG_DESK, 403)])
    def test_readers_cannot_start(self, client, org, persona, expected):
        patrol = planned_patrol(org, start=False)
        client.force_login(org.user(persona))
        response = client.post(reverse("patrols:patrol_start", args=[patrol.pk]))
        assert response.status_code == expected
        patrol.refresh_from_db()
        assert patrol.status == PatrolStatus.PLANNED

    def test_the_nav_links_to_patrols(self, client, org):
        client.force_login(org.user(XIPENG_DESK))
        page = client.get(reverse("patrols:patrol_list")).content.decode()
        assert f'href="{reverse("patrols:patrol_list")}"' in page


class TestSettingsAdmin:
    def test_a_bureau_admin_edits_only_their_bureaus_settings(self, client, org):
        mine = PatrolSettings.objects.create(bureau=org.jiulongpo)
        theirs = PatrolSettings.objects.create(bureau=org.yubei)
        client.force_login(org.user(JLP_ADMIN))
        url = "admin:patrols_patrolsettings_change"
        assert client.get(reverse(url, args=[mine.pk])).status_code == 200
        assert client.get(reverse(url, args=[theirs.pk])).status_code in (302, 404)
        client.force_login(org.user(YUBEI_ADMIN))
        listing = client.get(reverse("admin:patrols_patrolsettings_changelist"))
        assert listing.status_code == 200
        assert list(listing.context["cl"].queryset) == [theirs]
