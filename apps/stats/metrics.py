"""The catalogue of statistics: every metric the store holds, what it counts, its unit, and
how days add up to a month, a quarter or a year. The computation (apps/stats/compute.py)
and every reader (pages, exports, API) name metrics from here and nowhere else."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SUM = "sum"  # days add up
DISTINCT = "distinct"  # one row per dimension value and day; a period counts distinct values
PERCENTILE = "percentile"  # per day from the records; a longer period is recomputed from them


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str = ""
    rollup: str = SUM
    dimension: str = ""  # what the dimension column holds for this metric, if anything


METRICS = [
    Metric("consultations", _("Consultations")),
    Metric("residents_registered", _("Residents registered")),
    Metric("certificates_issued", _("Residence certificates issued")),
    Metric("permits_issued", _("Residence permits issued")),
    Metric("incidents", _("Incidents")),
    Metric("incidents_by_category", _("Incidents by category"), dimension=_("major category code")),
    Metric("incidents_by_source", _("Incidents by source"), dimension=_("source")),
    Metric("criminal_incidents", _("Criminal incidents")),
    Metric("preventable_incidents", _("Preventable incidents")),
    Metric("response_median", _("Response time, median"), _("min"), PERCENTILE),
    Metric("response_p90", _("Response time, 90th percentile"), _("min"), PERCENTILE),
    Metric("minutes_saved", _("Minutes saved by dispatching from posts"), _("min")),
    Metric("invalid_calls", _("Invalid and nuisance calls")),
    Metric("repeat_callers", _("Calls from repeat callers")),
    Metric("cases_filed", _("Cases filed"), dimension=_("case kind")),
    Metric("cases_solved", _("Cases solved"), dimension=_("case kind")),
    Metric("disputes_received", _("Disputes received")),
    Metric("disputes_resolved", _("Disputes resolved")),
    Metric("disputes_concluded", _("Disputes concluded by mediation")),
    Metric("patrol_hours", _("Patrol hours"), _("h")),
    Metric("villages_covered", _("Villages covered"), rollup=DISTINCT, dimension=_("village id")),
    Metric("findings_raised", _("Patrol findings raised")),
    Metric("findings_handled", _("Patrol findings handled")),
    Metric("noise_events", _("Noise events")),
    Metric("noise_complaints", _("Noise complaints")),
    Metric("police_complaints", _("Complaints against the police")),
]
BY_NAME = {metric.name: metric for metric in METRICS}
# Read, not stored: disputes resolved / concluded over the period.
RESOLUTION_RATE = "dispute_resolution_rate"
# Read, not stored: minutes_saved over the period ÷ the period's days with figures.
MINUTES_SAVED_PER_DAY = "minutes_saved_per_day"
DERIVED = (RESOLUTION_RATE, MINUTES_SAVED_PER_DAY)
