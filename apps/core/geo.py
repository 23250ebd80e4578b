"""Distances on the ground: the straight line between two points (haversine) and whether a
point lies in China at all (a typo in a coordinate must not send a car to the sea)."""

from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

EARTH_RADIUS_KM = 6371.0088
# China's extent, generously: Hainan to Heilongjiang, Xinjiang to the east coast.
CHINA_LATITUDE = (18.0, 53.6)
CHINA_LONGITUDE = (73.5, 135.1)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (float(lat1), float(lon1), float(lat2), float(lon2)))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def haversine_km_sql(latitude: float | Decimal, longitude: float | Decimal, table: str) -> RawSQL:
    """haversine_km() from a point to each row's latitude/longitude columns, as SQL for
    ORDER BY … LIMIT ("the nearest N rows") instead of a loop over every row. Raw SQL
    because it is compiled on every request of a polled endpoint, where an expression tree
    of a dozen functions costs more to compile than to run (PostgreSQL has these functions;
    Django registers them on SQLite)."""

    def rad(column: str) -> str:
        return f'RADIANS(CAST("{table}"."{column}" AS REAL))'

    sql = (
        f"2 * {EARTH_RADIUS_KM} * ASIN(SQRT("
        f"POWER(SIN(({rad('latitude')} - %s) / 2), 2)"
        f" + COS(%s) * COS({rad('latitude')}) * POWER(SIN(({rad('longitude')} - %s) / 2), 2)))"
    )
    lat, lon = radians(float(latitude)), radians(float(longitude))
    return RawSQL(sql, (lat, lat, lon), output_field=FloatField())


def in_china(latitude: float | Decimal, longitude: float | Decimal) -> bool:
    return (
        CHINA_LATITUDE[0] <= float(latitude) <= CHINA_LATITUDE[1]
        and CHINA_LONGITUDE[0] <= float(longitude) <= CHINA_LONGITUDE[1]
    )
