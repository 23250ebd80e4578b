"""Distances on the ground: the straight line between two points (haversine) and whether a
point lies in China at all (a typo in a coordinate must not send a car to the sea)."""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
# China's extent, generously: Hainan to Heilongjiang, Xinjiang to the east coast.
CHINA_LATITUDE = (18.0, 53.6)
CHINA_LONGITUDE = (73.5, 135.1)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (float(lat1), float(lon1), float(lat2), float(lon2)))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def in_china(latitude, longitude) -> bool:
    return (
        CHINA_LATITUDE[0] <= float(latitude) <= CHINA_LATITUDE[1]
        and CHINA_LONGITUDE[0] <= float(longitude) <= CHINA_LONGITUDE[1]
    )
