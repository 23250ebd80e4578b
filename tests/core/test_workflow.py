"""apps.core.workflow: the one state machine every app builds its transitions on."""

import pytest
from django.utils import translation

from apps.cases.choices import CaseKind, CaseStatus
from apps.cases.workflow import CASE_WORKFLOWS, INCIDENT_WORKFLOW
from apps.core.errors import Conflict
from apps.mediation.workflow import DISPUTE_WORKFLOW
from apps.patrols.choices import PatrolStatus
from apps.patrols.workflow import WORKFLOW as PATROL_WORKFLOW
from apps.permits.workflow import WORKFLOW as APPLICATION_WORKFLOW

ALL = [
    INCIDENT_WORKFLOW,
    *CASE_WORKFLOWS.values(),
    DISPUTE_WORKFLOW,
    PATROL_WORKFLOW,
    APPLICATION_WORKFLOW,
]


@pytest.mark.parametrize("workflow", ALL)
def test_a_workflow_allows_exactly_its_table(workflow):
    for current in workflow.labels.values:
        for target in workflow.labels.values:
            if target in workflow.transitions.get(current, ()):
                workflow.check(current, target)
            else:
                with pytest.raises(Conflict):
                    workflow.check(current, target)


def test_allowed_follows_the_order_of_the_choices():
    workflow = CASE_WORKFLOWS[CaseKind.CRIMINAL]
    assert workflow.allowed(CaseStatus.ACCEPTED) == [CaseStatus.FILED, CaseStatus.NOT_FILED]
    assert workflow.allowed(CaseStatus.CLOSED) == []
    assert CASE_WORKFLOWS[CaseKind.PUBLIC_SECURITY].allowed(CaseStatus.FILED) == []


def test_the_refusal_is_in_the_users_words():
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        CASE_WORKFLOWS[CaseKind.CRIMINAL].check(CaseStatus.CLOSED, CaseStatus.FILED)
    assert refused.value.message == "处于“已结案”的案件不能变为“已立案”。"


def test_a_target_or_a_pair_may_have_its_own_refusal():
    P = PatrolStatus
    with translation.override("en"):
        with pytest.raises(Conflict, match="already finished"):
            PATROL_WORKFLOW.check(P.FINISHED, P.FINISHED)
        with pytest.raises(Conflict, match="Only a patrol under way can finish"):
            PATROL_WORKFLOW.check(P.PLANNED, P.FINISHED)
        with pytest.raises(Conflict, match="Only a planned patrol can start"):
            PATROL_WORKFLOW.check(P.ACTIVE, P.ACTIVE)
    assert PATROL_WORKFLOW.is_final(P.CANCELLED)
    assert not PATROL_WORKFLOW.is_final(P.ACTIVE)
