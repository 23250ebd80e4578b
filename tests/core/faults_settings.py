"""The production settings, for the app processes of tests/core/test_faults.py, but for
the static files: served as they are, since the tests run no collectstatic (the manifest
storage would refuse every page without its manifest)."""

from policestation.settings import *  # noqa: F403
from policestation.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
