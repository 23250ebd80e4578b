"""The city's 30M persons (see devtools.bench.stations_city), written by PostgreSQL.

Each ID number is valid (GB 11643's check digit, computed in the INSERT) and unique by
construction: the row's number n picks one of 20 regions that neither the demo nor the
smaller scales use, a birth date in 1940–2019 and a sequence, so that no two n meet."""

from itertools import product

from apps.registry.models import Person
from apps.registry.pinyin import name_keys
from devtools.bench.stations_city import city_organisation, city_sizes, insert_in_chunks
from devtools.benchmark import generator
from devtools.demo.registry import FAMILY_NAMES, GIVEN_NAMES

REGIONS = [
    "500101", "500102", "500103", "500104", "500105", "500106", "500108", "500109",
    "500110", "500111", "500113", "500114", "500115", "500117", "500118", "500119",
    "500120", "500151", "500152", "500153",
]  # fmt: skip
DAYS = 80 * 365  # birth dates from 1940-01-01
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = " + ".join(f"substr(b, {i + 1}, 1)::int * {w}" for i, w in enumerate(WEIGHTS))

# The arrays are joined as tables: a parameter array read per row would be copied per row.
PERSONS_SQL = f"""
WITH nm AS (SELECT * FROM unnest(%(names)s::text[], %(pinyin)s::text[], %(initials)s::text[])
                   WITH ORDINALITY AS t(name, pinyin, initials, k)),
     st AS (SELECT * FROM unnest(%(stations)s::bigint[]) WITH ORDINALITY AS t(id, k)),
     rg AS (SELECT * FROM unnest(%(regions)s::text[]) WITH ORDINALITY AS t(code, k))
INSERT INTO registry_person
       (created_at, updated_at, station_id, name, name_pinyin, name_initials, gender,
        ethnicity, birth_date, id_number, domicile_province, phone, domicile_address, category)
SELECT now(), now(), st.id, nm.name, nm.pinyin, nm.initials,
       CASE WHEN n %% 2 = 1 THEN 'male' ELSE 'female' END, '汉族', birth,
       b || substr('10X98765432', ({_CHECK}) %% 11 + 1, 1),
       '50', '139' || lpad((n %% 100000000)::text, 8, '0'), '',
       CASE WHEN n %% 5 = 0 THEN 'floating' ELSE 'permanent' END
  FROM (SELECT n, birth, 1 + (n * 7919) %% %(name_count)s AS k_name,
               1 + n %% %(station_count)s AS k_station,
               rg.code || to_char(birth, 'YYYYMMDD')
               || lpad(((n / {len(REGIONS) * DAYS}) * 2 + n %% 2)::text, 3, '0') AS b
          FROM (SELECT n, DATE '1940-01-01' + ((n / {len(REGIONS)}) %% {DAYS})::int AS birth
                  FROM generate_series(%(offset)s::bigint + %(lo)s,
                                       %(offset)s::bigint + %(hi)s) n) d
          JOIN rg ON rg.k = 1 + n %% {len(REGIONS)}) p
  JOIN nm ON nm.k = p.k_name
  JOIN st ON st.k = p.k_station
ON CONFLICT (id_number) DO NOTHING
"""


def _names() -> tuple[list[str], list[str], list[str]]:
    names = [f + g for f, g in product(FAMILY_NAMES, GIVEN_NAMES)]
    names += [f + g + h for f, g, h in product(FAMILY_NAMES[:20], GIVEN_NAMES, GIVEN_NAMES)]
    keys = [name_keys(name) for name in names]
    return names, [k[0] for k in keys], [k[1] for k in keys]


@generator
def persons_of_the_city(sizes: dict, progress) -> None:
    if not (city := city_sizes(sizes)):
        return
    stations = city_organisation(city)
    have = Person.objects.count()
    missing = city["persons"] - have
    if missing <= 0:
        return
    names, pinyin, initials = _names()
    params = {
        "stations": stations,
        "names": names,
        "pinyin": pinyin,
        "initials": initials,
        "regions": REGIONS,
        "name_count": len(names),
        "station_count": len(stations),
        "offset": have,
    }
    insert_in_chunks(PERSONS_SQL, params, missing, 1_000_000, progress, "city persons")
