"""The step on an import, declared once for the page (apps.core.actions)."""

from apps.core.actions import Action

from . import services
from .models import ImportBatch

IMPORT_COMMIT = Action(
    name="commit", model=ImportBatch, service=services.import_commit, target="batch"
)
