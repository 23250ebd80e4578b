"""Every write of the cases app, by subject: incidents (接警 to 结警), cases (受案 to 结案),
the duty roster and the taxonomy. Callers may import from here or from the subject's
module; a test that changes a limit patches the subject's module
(`services.cases.MAX_EVIDENCE_BYTES`)."""

from .calls import call_open, call_ring, caller_number
from .cases import (
    case_evidence_add,
    case_extension_decide,
    case_extension_propose,
    case_injury_grade,
    case_open,
    case_party_add,
    case_reconsideration_decide,
    case_reconsideration_request,
    case_suspension_end,
    case_suspension_start,
    case_transition,
    cases_remind_deadlines,
)
from .incidents import (
    incident_attach,
    incident_checklist_tick,
    incident_close,
    incident_dispatch,
    incident_note,
    incident_report,
    incident_status,
    incident_take,
)
from .roster import RosterPattern, roster_generate, roster_import, shift_save
from .taxonomy import taxonomy_seed

__all__ = [
    "RosterPattern",
    "call_open",
    "call_ring",
    "caller_number",
    "case_evidence_add",
    "case_extension_decide",
    "case_extension_propose",
    "case_injury_grade",
    "case_open",
    "case_party_add",
    "case_reconsideration_decide",
    "case_reconsideration_request",
    "case_suspension_end",
    "case_suspension_start",
    "case_transition",
    "cases_remind_deadlines",
    "incident_attach",
    "incident_checklist_tick",
    "incident_close",
    "incident_dispatch",
    "incident_note",
    "incident_report",
    "incident_status",
    "incident_take",
    "roster_generate",
    "roster_import",
    "shift_save",
    "taxonomy_seed",
]
