"""The assessment pages, exports, recompute (with its progress), the Celery tasks and the
API, against the personas: leaders and bureau admins read, bureau admins recompute."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.core.testing.pdf import assert_workbench_font_only
from apps.patrols import tasks
from apps.patrols.assessment.services import assessment_compute
from apps.patrols.models import AssessmentScore

from .assess_data import build_october

OCTOBER = date(2026, 10, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def october(org):
    scene = build_october(org)
    assessment_compute(bureau=org.jiulongpo, month=OCTOBER)
    return scene


def as_user(client, org, persona):
    if persona != "anonymous":
        client.force_login(org.user(persona))
    return client


class TestMonthPage:
    url = "/patrols/assessment/?month=2026-10"

    def test_the_url_names_are_the_contract(self):
        assert reverse("patrols:assessment") == "/patrols/assessment/"
        assert reverse("patrols:assessment_quarter").startswith("/patrols/assessment/")
        for name in ("assessment_half", "assessment_recompute", "assessment_xlsx"):
            assert reverse(f"patrols:{name}")
        assert reverse("patrols:assessment_quarter_pdf").endswith(".pdf")
        assert reverse("patrols:assessment_quarter_xlsx").endswith(".xlsx")

    def test_a_leader_sees_their_stations_rows_with_the_bureaus_ranks(self, client, october):
        response = as_user(client, october.org, "xipeng_leader").get(self.url, **EN)
        assert response.status_code == 200
        body = response.content.decode()
        assert "迎新村" in body and "21.94" in body and "46.00" in body
        assert "张坪社区" not in body  # 石桥铺's village: out of the leader's scope
        assert 'data-chart="bar"' in body
        assert "Recompute this month" not in body

    def test_the_bureau_admin_sees_every_station_and_may_recompute(self, client, october):
        body = as_user(client, october.org, "jlp_admin").get(self.url, **EN).content.decode()
        assert "张坪社区" in body and "迎新村" in body
        assert "Recompute this month" in body

    def test_another_bureaus_admin_sees_only_their_own_bureau(self, client, october):
        body = as_user(client, october.org, "yubei_admin").get(self.url).content.decode()
        assert "迎新村" not in body

    @pytest.mark.parametrize(
        "persona", ["xipeng_desk", "xipeng_community", "xipeng_case", "shuangfeng_desk"]
    )
    def test_officers_without_the_role_are_refused(self, client, october, persona):
        assert as_user(client, october.org, persona).get(self.url).status_code == 403

    def test_anonymous_is_sent_to_log_in(self, client, october):
        response = client.get(self.url)
        assert response.status_code == 302 and "login" in response.url

    def test_the_month_xlsx_has_the_tables_cells(self, client, october):
        response = as_user(client, october.org, "xipeng_leader").get(
            "/patrols/assessment.xlsx?month=2026-10", **EN
        )
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("Subject", "Station", "Name", "Patrol hours")
        yingxin = next(r for r in rows if r[2] == "迎新村")
        assert yingxin[3:] == (8, 4, 3, 2, 31, 3, 2, 2, 21.94, 1)
        assert not any(r[2] == "张坪社区" for r in rows)


class TestRecompute:
    url = "/patrols/assessment/recompute/"

    def test_a_bureau_admin_recomputes_and_sees_the_progress_done(
        self, client, org, django_capture_on_commit_callbacks
    ):
        build_october(org)
        as_user(client, org, "jlp_admin")
        with django_capture_on_commit_callbacks(execute=True):  # the task goes out on commit
            response = client.post(self.url, {"month": "2026-10"})
        assert response.status_code == 302
        assert "progress=1" in response.url
        assert AssessmentScore.objects.filter(month=OCTOBER).count() == 7
        page = client.get(response.url, **EN).content.decode()
        assert "assessment/progress/" in page
        fragment = client.get("/patrols/assessment/progress/?month=2026-10", **EN).content.decode()
        assert "The assessment is computed." in fragment
        assert "hx-trigger" not in fragment  # finished: the page stops polling

    def test_a_running_computation_keeps_polling(self, client, org):
        from apps.core.progress import set_progress
        from apps.patrols.assessment.services import progress_key

        set_progress(progress_key(org.jiulongpo.pk, OCTOBER), 1, 3)
        fragment = (
            as_user(client, org, "jlp_admin")
            .get("/patrols/assessment/progress/?month=2026-10")
            .content.decode()
        )
        assert "33%" in fragment and 'hx-trigger="every 1s"' in fragment

    @pytest.mark.parametrize("persona", ["xipeng_leader", "xipeng_desk"])
    def test_station_staff_may_not_recompute(self, client, org, persona):
        response = as_user(client, org, persona).post(self.url, {"month": "2026-10"})
        assert response.status_code == 403
        assert not AssessmentScore.objects.exists()

    def test_a_month_to_come_is_refused(self, client, org):
        with freeze_time("2026-11-15 10:00"):
            as_user(client, org, "jlp_admin").post(self.url, {"month": "2026-12"})
        assert not AssessmentScore.objects.exists()

    def test_a_recompute_needs_post(self, client, org):
        assert as_user(client, org, "jlp_admin").get(self.url).status_code == 405


class TestQuarterAndHalfYear:
    def test_the_quarter_page_ranks_the_quarters_totals(self, client, october):
        assessment_compute(bureau=october.org.jiulongpo, month=date(2026, 11, 1))
        body = (
            as_user(client, october.org, "jlp_admin")
            .get("/patrols/assessment/quarter/?year=2026&quarter=4", **EN)
            .content.decode()
        )
        assert "Patrol bulletin, 2026 quarter 4" in body
        assert "迎新村" in body and "21.94" in body
        assert "2026-10" in body and "2026-12" in body

    def test_the_quarter_pdf_opens_and_carries_the_chinese_names(self, client, october):
        response = as_user(client, october.org, "xipeng_leader").get(
            "/patrols/assessment/quarter.pdf?year=2026&quarter=4"
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert_workbench_font_only(response.content)
        reader = PdfReader(BytesIO(response.content))
        text = "".join(page.extract_text() for page in reader.pages)
        assert "迎新村" in text and "21.94" in text
        assert "张坪社区" not in text

    def test_the_quarter_xlsx_has_the_totals(self, client, october):
        response = as_user(client, october.org, "jlp_admin").get(
            "/patrols/assessment/quarter.xlsx?year=2026&quarter=4", **EN
        )
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        officer = next(r for r in rows if r[0] == "Officer" and r[3] == 6)
        assert officer[-2:] == (46, 1)
        assert sum(1 for r in rows if r[0] == "Community") == 3

    def test_the_half_year_adds_the_months_and_ranks_the_totals(self, client, october):
        # November (P4 counts in October, where it started): only F4's handling (11-02)
        # and the 11-01 00:00 incident: 迎新村 scores 1×2 − 1×0.5 = 1.50.
        assessment_compute(bureau=october.org.jiulongpo, month=date(2026, 11, 1))
        response = as_user(client, october.org, "jlp_admin").get(
            "/patrols/assessment/half-year/?year=2026&half=2", **EN
        )
        assert response.status_code == 200
        table = response.context["table"]
        yingxin = next(r for r in table.communities if r["name"] == "迎新村")
        assert yingxin["monthly"][3:5] == [Decimal("21.94"), Decimal("1.50")]
        assert yingxin["score"] == Decimal("23.44")
        assert yingxin["incidents"] == 3 and yingxin["rank"] == 1
        assert [r["rank"] for r in table.communities] == [1, 2, 3]
        assert 'data-chart="bar"' in response.content.decode()

    def test_the_quarter_pages_refuse_officers(self, client, october):
        as_user(client, october.org, "xipeng_community")
        for url in ("quarter/", "quarter.pdf", "quarter.xlsx", "half-year/"):
            assert client.get(f"/patrols/assessment/{url}").status_code == 403


class TestTasks:
    def test_the_task_computes_a_bureaus_month(self, org):
        build_october(org)
        assert tasks.assessment_compute_task.delay(org.jiulongpo.pk, "2026-10-01").get() == 7
        assert AssessmentScore.objects.get(community=org.yingxin).score == Decimal("21.94")

    def test_the_monthly_run_computes_last_month_of_every_bureau(
        self, org, django_capture_on_commit_callbacks
    ):
        build_october(org)
        at = datetime(2026, 11, 1, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        with freeze_time(at), django_capture_on_commit_callbacks(execute=True):
            assert tasks.assessment_previous_month_task.delay().get() == 2
        assert set(AssessmentScore.objects.values_list("month", flat=True)) == {OCTOBER}
        assert AssessmentScore.objects.filter(station=org.shuangfeng).exists()

    def test_the_beat_runs_it_on_the_first_at_two(self):
        entry = settings.CELERY_BEAT_SCHEDULE["patrols-assessment"]
        assert entry["task"] == "patrols.assessment_previous_month"
        schedule = entry["schedule"]
        assert schedule.day_of_month == {1} and schedule.hour == {2} and schedule.minute == {0}


class TestApi:
    url = "/api/v1/assessments/"

    def test_a_leader_lists_their_stations_scores_filtered(self, client, october):
        response = as_user(client, october.org, "xipeng_leader").get(
            self.url, {"month": "2026-10", "subject": "community"}
        )
        assert response.status_code == 200
        results = response.json()["results"]
        assert [(r["name"], r["score"], r["rank"]) for r in results] == [
            ("迎新村", "21.94", 1),
            ("泥璧村", "10.44", 2),
        ]
        assert results[0]["month"] == "2026-10"

    def test_filters_by_officer_and_community(self, client, october):
        as_user(client, october.org, "jlp_admin")
        officer = october.org.user("xipeng_community").pk
        body = client.get(self.url, {"officer": officer}).json()
        assert [r["score"] for r in body["results"]] == ["46.00"]
        body = client.get(self.url, {"community": october.nibi.pk}).json()
        assert [r["name"] for r in body["results"]] == ["泥璧村"]
        assert client.get(self.url, {"month": "October"}).status_code == 400

    def test_another_station_sees_nothing_and_officers_are_refused(self, client, october):
        assert as_user(client, october.org, "yubei_admin").get(self.url).json()["results"] == []
        client.logout()
        assert as_user(client, october.org, "xipeng_community").get(self.url).status_code == 403

    def test_anonymous_is_refused(self, client, october):
        assert client.get(self.url).status_code in (401, 403)

    def test_a_bureau_admin_recomputes_through_the_api(
        self, client, org, django_capture_on_commit_callbacks
    ):
        build_october(org)
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            response = as_user(client, org, "jlp_admin").post(
                self.url + "recompute/", {"month": "2026-10"}, content_type="application/json"
            )
        assert response.status_code == 202, response.content
        assert response.json()["month"] == "2026-10"
        assert AssessmentScore.objects.filter(month=OCTOBER).count() == 7

    def test_a_leader_may_not_recompute(self, client, org):
        response = as_user(client, org, "xipeng_leader").post(
            self.url + "recompute/", {"month": "2026-10"}, content_type="application/json"
        )
        assert response.status_code == 403

    def test_a_bad_month_is_400(self, client, org):
        as_user(client, org, "jlp_admin")
        for month in ("2026-13", "soon", "2999-01"):
            response = client.post(
                self.url + "recompute/", {"month": month}, content_type="application/json"
            )
            assert response.status_code == 400
