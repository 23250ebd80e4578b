"""The monthly assessment: the hand-checked October, idempotency, ranks and weights."""

from datetime import date
from decimal import Decimal

import pytest

from apps.patrols.assessment.services import assessment_compute, competition_ranks
from apps.patrols.models import AssessmentScore, PatrolSettings

from .assess_data import build_october

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def october(org):
    return build_october(org)


def measures(score):
    return {
        "hours": score.patrol_hours,
        "patrols": score.patrols,
        "night": score.night_patrols,
        "covered": (score.villages_covered, score.villages_total),
        "raised": score.findings_raised,
        "handled": score.findings_handled,
        "incidents": score.incidents,
        "score": score.score,
        "rank": score.rank,
    }


class TestHandCheckedOctober:
    def test_it_scores_the_communities_as_worked_out_by_hand(self, october):
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        rows = {
            s.community.name: measures(s)
            for s in AssessmentScore.objects.filter(subject="community")
        }
        # 迎新村: P1 P2 P3 P4; 2.5+2+1.5+2 h; night P2 P3 P4; covered on 10-03 and 10-31;
        # raised F1 F2 F4, handled F2 F3; 2 incidents.
        # 8 + 2/31×30 (1.9355) + 3×2 + 3×1 + 2×2 − 2×0.5 = 21.9355
        assert rows["迎新村"] == {
            "hours": Decimal("8.00"),
            "patrols": 4,
            "night": 3,
            "covered": (2, 31),
            "raised": 3,
            "handled": 2,
            "incidents": 2,
            "score": Decimal("21.94"),
            "rank": 1,
        }
        # 泥璧村: P1 P2 P7; 2.5+2+1 h; night P2 (P7 at 19:59 is not); covered 10-03, 10-12;
        # raised F5. 5.5 + 1.9355 + 2 + 1 = 10.4355
        assert rows["泥璧村"] == {
            "hours": Decimal("5.50"),
            "patrols": 3,
            "night": 1,
            "covered": (2, 31),
            "raised": 1,
            "handled": 0,
            "incidents": 0,
            "score": Decimal("10.44"),
            "rank": 2,
        }
        assert rows["张坪社区"]["score"] == Decimal("0.00")
        assert rows["张坪社区"]["rank"] == 3
        assert rows["张坪社区"]["covered"] == (0, 31)

    def test_it_scores_the_officers_as_worked_out_by_hand(self, october):
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        rows = {
            s.officer.username: measures(s)
            for s in AssessmentScore.objects.filter(subject="officer")
        }
        # Community officer: P1 P2 P3, 6 h, night P2 P3, both of 西彭's 2 villages covered,
        # raised 3 handled 2, responsible for 园区警区 (迎新村): 2 incidents.
        # 6 + 30 + 4 + 3 + 4 − 1 = 46
        assert rows["xipeng_community"] == {
            "hours": Decimal("6.00"),
            "patrols": 3,
            "night": 2,
            "covered": (2, 2),
            "raised": 3,
            "handled": 2,
            "incidents": 2,
            "score": Decimal("46.00"),
            "rank": 1,
        }
        # Desk: P2 P4, 4 h, both at night, 迎新村 of 2 villages: 4 + 15 + 4 = 23
        assert rows["xipeng_desk"]["score"] == Decimal("23.00")
        assert rows["xipeng_desk"]["covered"] == (1, 2)
        assert rows["xipeng_desk"]["rank"] == 2
        # Leader: P7, 1 h, 泥璧村, F5: 1 + 15 + 1 = 17
        assert rows["xipeng_leader"]["score"] == Decimal("17.00")
        assert rows["xipeng_leader"]["rank"] == 3
        assert rows["xipeng_case"]["score"] == Decimal("0.00")
        assert rows["xipeng_case"]["rank"] == 4
        # Mediators, admins without a station and other bureaus' officers get no row.
        assert set(rows) == {"xipeng_community", "xipeng_desk", "xipeng_leader", "xipeng_case"}

    def test_the_bureaus_weights_and_night_hour_change_the_score(self, october):
        PatrolSettings.objects.create(
            bureau=october.org.jiulongpo,
            night_starts="19:30",
            weight_patrol_hours=Decimal("2"),
            weight_coverage=Decimal("0"),
            weight_night_patrols=Decimal("1"),
            weight_findings_raised=Decimal("0"),
            weight_findings_handled=Decimal("0"),
            weight_incidents=Decimal("10"),
        )
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        nibi = AssessmentScore.objects.get(community=october.nibi)
        # P7 at 19:59 is now a night patrol: 5.5×2 + 2×1 = 13
        assert (nibi.night_patrols, nibi.score) == (2, Decimal("13.00"))
        yingxin = AssessmentScore.objects.get(community=october.org.yingxin)
        # 8×2 + 3×1 − 2×10 = −1
        assert yingxin.score == Decimal("-1.00")
        assert yingxin.rank == 3  # below 张坪社区's 0


class TestIdempotency:
    def test_running_the_month_twice_gives_the_same_rows(self, october):
        first = assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        before = sorted(
            AssessmentScore.objects.values_list("subject", "community", "officer", "score", "rank")
        )
        second = assessment_compute(bureau=october.org.jiulongpo, month=date(2026, 10, 17))
        after = sorted(
            AssessmentScore.objects.values_list("subject", "community", "officer", "score", "rank")
        )
        assert first == second == 7  # 3 communities + 4 officers
        assert before == after
        assert AssessmentScore.objects.count() == 7

    def test_a_recompute_follows_changed_data(self, october):
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        october.patrols["P7"].officers.clear()
        october.patrols["P7"].covered.clear()
        october.patrols["P7"].communities.clear()
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        assert AssessmentScore.objects.get(community=october.nibi).patrols == 2

    def test_it_leaves_other_months_and_bureaus_alone(self, october):
        assessment_compute(bureau=october.org.jiulongpo, month=date(2026, 9, 1))
        assessment_compute(bureau=october.org.yubei, month=OCTOBER)
        assessment_compute(bureau=october.org.jiulongpo, month=OCTOBER)
        assert AssessmentScore.objects.filter(month=date(2026, 9, 1)).count() == 7
        # September: P6 (09-30 22:00, night, planned and covered 迎新村) and F3, F4's raising.
        september = AssessmentScore.objects.get(
            month=date(2026, 9, 1), community=october.org.yingxin
        )
        assert (september.patrols, september.night_patrols, september.patrol_hours) == (
            1,
            1,
            Decimal("3.00"),
        )
        assert AssessmentScore.objects.filter(station=october.org.shuangfeng).count() == 1


def test_ranks_are_shared_by_equal_scores():
    values = [Decimal(v) for v in ("5", "7", "5", "1", "7")]
    assert competition_ranks(values) == [3, 1, 3, 5, 1]


def test_the_bench_finds_the_bureau_year_scenario():
    from devtools import benchmark

    benchmark.autodiscover()
    names = [s.name for s in benchmark.registry.batches]
    assert "patrols: monthly assessment for a bureau-year" in names
    assert any(
        g.__name__ == "patrols_for_assessment_at_scale" for g in benchmark.registry.generators
    )
