"""The scene of the access matrix, built once per test module.

Eleven personas times some four hundred routes are too many requests to rebuild the scene
for each: `scene` builds the organisation and one record of every kind once, inside an
outer transaction that is rolled back when the module is done. Each test's own transaction
(pytest-django's `db`) nests in it as a savepoint, and `probe` runs every persona's request
in one more savepoint, rolled back, so that a write one persona may make never changes
what the next one meets.
"""

import pytest

from apps.core.testing.mbtiles import make_mbtiles
from tests.scenes import built_once

from .scene import build_with_logins


@pytest.fixture(scope="module")
def _scene_media(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _private_files(settings, _scene_media):
    """The scene's files outlive one test: every test reads them from the module's folder
    (this replaces tests/conftest.py's per-test folder)."""
    settings.PRIVATE_MEDIA_ROOT = _scene_media


@pytest.fixture(autouse=True)
def _tile_package(settings, _scene_media):
    """An offline tile package with one tile, so that the tile route has one to serve."""
    path = _scene_media / "tiles.mbtiles"
    if not path.exists():
        make_mbtiles(path, {(0, 0, 0): "#eef3ea"})
    settings.MAP_MBTILES_PATH = str(path)
    settings.MAP_TILE_URL = ""


@pytest.fixture(scope="module")
def scene(request, _scene_media):
    yield from built_once(request, build_with_logins, PRIVATE_MEDIA_ROOT=_scene_media)
