"""The maps' base layer: a tile server of the police network (MAP_TILE_URL), or a bureau's
offline tile package, an MBTiles file (MAP_MBTILES_PATH) that the workbench serves itself
at /tiles/{z}/{x}/{y}.{format}, or neither (the maps draw the village boundaries on a plain
background). `map_config()` tells every map which (static/js/map.js reads it).

An MBTiles file is SQLite: a `metadata` table (name, format, minzoom, maxzoom, attribution)
and a `tiles` table whose rows count from the south (TMS), where Leaflet counts from the
north (XYZ), so row = 2^z - 1 - y. Only raster packages (png, jpg, webp) are served.
"""

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import condition, require_GET

from .views import require_perm

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
# A tile is fixed for as long as the file is: the browser keeps it a day, and asks with
# If-Modified-Since after that (304 while the file is unchanged).
TILE_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Package:
    path: str
    format: str  # png, jpg or webp: the URL's extension
    min_zoom: int
    max_zoom: int
    attribution: str
    modified: float  # the file's mtime


def _connect(path: str) -> sqlite3.Connection:
    # Read-only: the package is the bureau's file, never written here.
    return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False)


@lru_cache(maxsize=4)
def _read(path: str, modified: float) -> Package:
    problem = None
    try:
        with closing(_connect(path)) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            low, high = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
    except sqlite3.Error as exc:
        problem = f"it is not an MBTiles file ({exc})"
    else:
        fmt = {"jpeg": "jpg"}.get(meta.get("format", "").lower(), meta.get("format", "").lower())
        if fmt not in CONTENT_TYPES:
            problem = (
                f"its tiles are {meta.get('format') or 'of no stated format'}; only raster"
                " packages (png, jpg, webp) can be served"
            )
        elif low is None:
            problem = "it holds no tiles"
    if problem:
        raise ImproperlyConfigured(f"MAP_MBTILES_PATH {path}: {problem}.")
    return Package(
        path=path,
        format=fmt,
        min_zoom=int(meta.get("minzoom") or low),
        max_zoom=int(meta.get("maxzoom") or high),
        attribution=meta.get("attribution", ""),
        modified=modified,
    )


def package() -> Package | None:
    """The configured MBTiles package, read again when the file changes; None without one."""
    path = settings.MAP_MBTILES_PATH
    if not path:
        return None
    try:
        modified = os.stat(path).st_mtime
    except OSError as exc:
        raise ImproperlyConfigured(f"MAP_MBTILES_PATH {path}: {exc.strerror}.") from exc
    return _read(str(Path(path).resolve()), modified)


def map_config() -> dict[str, object]:
    """What every map needs to know of its base layer (json_script in _map_assets.html)."""
    offline = package()
    if offline is not None:
        url = reverse("map_tile", args=[0, 0, 0, offline.format])
        return {
            "tiles": url.replace("/0/0/0.", "/{z}/{x}/{y}."),
            "attribution": offline.attribution,
            # Beyond its deepest level Leaflet enlarges the package's own tiles.
            "minZoom": offline.min_zoom,
            "maxNativeZoom": offline.max_zoom,
        }
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


def _modified(request: HttpRequest, **kwargs: object) -> datetime | None:
    offline = package()
    return datetime.fromtimestamp(offline.modified, UTC) if offline else None


@require_GET
@login_required
@condition(last_modified_func=_modified)
def tile(request: HttpRequest, z: int, x: int, y: int, ext: str) -> HttpResponse:
    """One tile of the package; 404 for a tile it does not have (Leaflet leaves it blank)."""
    require_perm(request, "stations.view_station")
    offline = package()
    if offline is None or ext != offline.format or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise Http404
    with closing(_connect(offline.path)) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row[0]), content_type=CONTENT_TYPES[offline.format])
    # Private: the package is the bureau's, served to signed-in staff only.
    response["Cache-Control"] = f"private, max-age={TILE_MAX_AGE}"
    return response


@checks.register()
def check_map_tiles(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """At start (and `manage.py check`): the base layer is set up right, or a clear error."""
    errors: list[checks.CheckMessage] = []
    if settings.MAP_MBTILES_PATH and settings.MAP_TILE_URL:
        errors.append(
            checks.Error(
                "Set MAP_TILE_URL (a tile server) or MAP_MBTILES_PATH (a tile package), not both.",
                id="core.E101",
            )
        )
    try:
        package()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="core.E102"))
    return errors
