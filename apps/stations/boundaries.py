"""Village and community boundaries: what a boundary may be (a GeoJSON Polygon or
MultiPolygon in WGS 84, inside China, of bounded size) and how a GeoJSON FeatureCollection
is read into boundaries matched by name. The maps draw them as their base layer when no
tile server is configured (static/js/map.js)."""

import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.geo import haversine_km, in_china

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
# A surveyed village outline has a few hundred points; beyond this, simplify it first
# (every map of the station carries every boundary).
MAX_BOUNDARY_POINTS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
# Names of WGS 84 in a GeoJSON file's (pre-RFC 7946) "crs" member; RFC 7946 has WGS 84 only.
WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")
# A boundary this far from its village's own position names the wrong village (or came in
# another coordinate system): refused rather than drawn somewhere else.
MAX_DISTANCE_KM = 10
DECIMALS = 6  # ~0.1 m: more is noise, and it only makes every map heavier


def _rings(geometry: dict) -> list[list]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("A boundary must be a GeoJSON Polygon or MultiPolygon."))
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("A boundary must be a GeoJSON Polygon or MultiPolygon."))
        rings.extend(polygon)
    return rings


def _position(value) -> tuple[float, float]:
    ok = (
        isinstance(value, list)
        and len(value) in (2, 3)  # a third number (altitude) is allowed and dropped
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
        and all(math.isfinite(n) for n in value)
    )
    if not ok:
        raise ValidationError(_("A boundary point must be [longitude, latitude] in degrees."))
    lon, lat = value[0], value[1]
    if not in_china(lat, lon):
        raise ValidationError(
            _(
                "A boundary point lies outside China (%(lon)s, %(lat)s):"
                " is it [longitude, latitude] in WGS 84?"
            )
            % {"lon": lon, "lat": lat}
        )
    return lon, lat


def validate_boundary(value) -> None:
    """The rule of a boundary (the model field's validator and the import's)."""
    if value is None:
        return
    if (
        not isinstance(value, dict)
        or value.get("type") not in GEOMETRY_TYPES
        or not isinstance(value.get("coordinates"), list)
    ):
        raise ValidationError(_("A boundary must be a GeoJSON Polygon or MultiPolygon."))
    points = 0
    for ring in _rings(value):
        positions = [_position(p) for p in ring] if isinstance(ring, list) else []
        if len(positions) < 4 or positions[0] != positions[-1]:
            raise ValidationError(
                _(
                    "Each ring of a boundary needs at least four points,"
                    " the last one the same as the first."
                )
            )
        points += len(positions)
    if points > MAX_BOUNDARY_POINTS:
        raise ValidationError(
            _("A boundary may have at most %(max)d points (this one has %(n)d): simplify it first.")
            % {"max": MAX_BOUNDARY_POINTS, "n": points}
        )


def normalised(geometry: dict) -> dict:
    """Only the geometry's type and its [longitude, latitude] pairs, rounded."""

    def ring(points):
        return [[round(p[0], DECIMALS), round(p[1], DECIMALS)] for p in points]

    if geometry["type"] == "Polygon":
        coordinates = [ring(r) for r in geometry["coordinates"]]
    else:
        coordinates = [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}


def _in_ring(ring: list, latitude: float, longitude: float) -> bool:
    inside = False
    for (lon1, lat1, *_height1), (lon2, lat2, *_height2) in zip(
        ring, ring[1:] + ring[:1], strict=True
    ):
        if (lat1 > latitude) != (lat2 > latitude):
            crossing = lon1 + (latitude - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if longitude < crossing:
                inside = not inside
    return inside


def contains(geometry: dict, latitude, longitude) -> bool:
    """Whether the point lies inside the boundary (outside its holes): the rule of the
    maps' inBoundary (static/js/map.js), for the server."""
    lat, lon = float(latitude), float(longitude)
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return any(
        _in_ring(rings[0], lat, lon) and not any(_in_ring(hole, lat, lon) for hole in rings[1:])
        for rings in polygons
    )


def distance_km(geometry: dict, latitude, longitude) -> float:
    """How far a point lies from the boundary's bounding box (0 inside it)."""
    lons, lats = zip(*(p[:2] for r in _rings(geometry) for p in r), strict=True)
    lat = min(max(float(latitude), min(lats)), max(lats))
    lon = min(max(float(longitude), min(lons)), max(lons))
    return haversine_km(latitude, longitude, lat, lon)


def read_feature_collection(data: bytes) -> dict[str, dict]:
    """The boundaries of a GeoJSON FeatureCollection by the features' `name` property,
    validated and normalised; a DomainError names the first problem."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            code="invalid",
        )
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except RecursionError as exc:
        raise DomainError(
            _("The file is not valid GeoJSON: nested too deeply."), code="invalid"
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise DomainError(
            _("The file is not valid GeoJSON (UTF-8 JSON): %(error)s") % {"error": exc},
            code="invalid",
        ) from exc
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DomainError(_("The file must be a GeoJSON FeatureCollection."), code="invalid")
    crs = ((collection.get("crs") or {}).get("properties") or {}).get("name")
    if crs and crs not in WGS84_NAMES:
        raise DomainError(
            _("The file's coordinates are in %(crs)s; export them in WGS 84 (EPSG:4326).")
            % {"crs": crs},
            code="invalid",
        )
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise DomainError(_("The file has no features."), code="invalid")
    boundaries = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        name = str((properties or {}).get("name") or "").strip()
        if not name:
            raise DomainError(
                _("Feature %(n)d has no name (properties.name).") % {"n": number}, code="invalid"
            )
        if name in boundaries:
            raise DomainError(
                _("%(name)s appears more than once in the file.") % {"name": name}, code="invalid"
            )
        geometry = feature.get("geometry")
        try:
            if geometry is None:
                raise ValidationError(_("A boundary must be a GeoJSON Polygon or MultiPolygon."))
            validate_boundary(geometry)
        except ValidationError as exc:
            raise DomainError(
                _("%(name)s: %(error)s") % {"name": name, "error": " ".join(exc.messages)},
                code="invalid",
            ) from exc
        boundaries[name] = normalised(geometry)
    return boundaries
