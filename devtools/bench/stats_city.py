"""The nightly statistics of one day for the whole city (issue 21, item 3: ≤ 30 s): the
Celery job's run over the 10 sub-bureaus, against the hand-written SQL that writes the
same rows for each bureau, at the city scale only (devtools.bench.stations_city)."""

from apps.stations.models import Bureau
from apps.stats import compute, services
from apps.stats.models import DailyFact
from devtools.bench.stations_city import DISTRICTS
from devtools.bench.stats import RECOMPUTE_SQL, recompute_sql
from devtools.benchmark import batch_scenario


def _city() -> list[int]:
    return list(
        Bureau.objects.filter(code__in=DISTRICTS).order_by("pk").values_list("pk", flat=True)
    )


def city_day_sql():
    day = compute.yesterday()
    _sql, params = recompute_sql(0, day, day)
    # One script for the ten bureaus, each its own DELETE and INSERT.
    script = ";\n".join(RECOMPUTE_SQL.replace("%(bureau)s", str(pk)) for pk in _city())
    return script, params


def forget_yesterday_of_the_city() -> None:
    day = compute.yesterday()
    DailyFact.objects.filter(bureau_id__in=_city(), day=day)._raw_delete(using="default")


@batch_scenario(
    "stats: nightly, one day, the whole city",
    sql=city_day_sql,
    setup=forget_yesterday_of_the_city,
    sql_setup=forget_yesterday_of_the_city,
)
def nightly_city():
    return services.nightly()
