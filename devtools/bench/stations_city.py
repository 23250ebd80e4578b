"""The city scale (`--scale city`, issue 21 item 3): a 市局 of 10 sub-bureaus and 100
stations, with 30M persons, 20M incidents over two years, 200M GPS track points and 50M
noise readings.

Rows at that size are written by PostgreSQL itself, `INSERT … SELECT … FROM
generate_series` in chunks (a Python COPY makes 20,000–100,000 rows/s: hours for the
track points). The other tables keep the small scale's sizes. Each app's `<app>_city.py`
fills its own tables and calls `city_organisation()` first, which makes the bureaus and
stations once. The months the rows fall in get their partitions before they are written
(`history_partitions`), as `maintain` would have made them month by month."""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from apps.core import partitions
from apps.core.months import month_start
from apps.stations.models import Bureau, Station
from devtools.benchmark import generator

# Chongqing's central districts (the demo's 九龙坡 and 渝北 are two of them).
DISTRICTS = {
    "500103": "渝中区",
    "500104": "大渡口区",
    "500105": "江北区",
    "500106": "沙坪坝区",
    "500107": "九龙坡区",
    "500108": "南岸区",
    "500109": "北碚区",
    "500112": "渝北区",
    "500113": "巴南区",
    "500110": "綦江区",
}
STATION_NAMES = "朝天门解放碑七星岗石油路化龙桥大坪上清寺菜园坝望龙门南纪门"


def city_sizes(sizes: dict) -> dict | None:
    """The city's row counts, or None at the other scales."""
    return sizes.get("city")


@transaction.atomic
def city_organisation(city: dict) -> list[int]:
    """The bureaus and stations of the city, made once; the ids of its stations."""
    now = timezone.now()
    for code, name in DISTRICTS.items():
        Bureau.objects.get_or_create(
            code=code, defaults={"name": f"{name}分局", "city_bureau": "重庆市公安局"}
        )
    bureaus = list(Bureau.objects.filter(code__in=DISTRICTS).order_by("code"))
    per_bureau = city["stations"] // len(bureaus)
    for bureau in bureaus:
        have = Station.objects.filter(bureau=bureau).count()
        Station.objects.bulk_create(
            Station(
                created_at=now,
                updated_at=now,
                bureau=bureau,
                name=f"{STATION_NAMES[2 * n : 2 * n + 2]}压测派出所{n:02d}",
                code=f"{bureau.code}-city{n:02d}",
                organ_code=f"{bureau.code}5{50 + n:02d}000",
                address=f"{DISTRICTS[bureau.code]}压测路{n}号",
                latitude=29.5 + n / 100,
                longitude=106.5 + n / 100,
                area="urban",
            )
            for n in range(have, per_bureau)
        )
    return list(
        Station.objects.filter(bureau__code__in=DISTRICTS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def history_partitions(table: str, first: date) -> None:
    """The monthly partitions of `table` from `first`'s month on (the rows already in its
    default partition moved into them)."""
    if not partitions.is_partitioned(table):
        return
    with transaction.atomic(), connection.cursor() as cursor:
        partitions._make_months(
            cursor, table, month_start(first), month_start(timezone.localdate())
        )


def insert_in_chunks(sql: str, params: dict, total: int, chunk: int, progress, label: str) -> None:
    """Run an `INSERT … SELECT … FROM generate_series(%(lo)s, %(hi)s) n` over 0..total-1,
    a chunk per statement and transaction, so that progress shows and a broken-off run
    keeps what it wrote."""
    with connection.cursor() as cursor, progress(total=total, desc=label) as bar:
        for lo in range(0, total, chunk):
            hi = min(lo + chunk, total) - 1
            cursor.execute(sql, {**params, "lo": lo, "hi": hi})
            bar.update(hi - lo + 1)


@generator
def city_stations(sizes: dict, progress) -> None:
    """The 10 sub-bureaus and 100 stations of the city scale."""
    if city := city_sizes(sizes):
        city_organisation(city)
