from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PatrolMode(models.TextChoices):
    FOOT = "foot", _("Foot patrol")
    E_CAR = "e_car", _("Electric patrol car")
    CAR = "car", _("Car patrol")
    NIGHT_VILLAGE = "night_village", _("Night village patrol")
    ENTERPRISE = "enterprise", _("Enterprise-protection patrol")
    VIDEO = "video", _("Video patrol")


class PatrolStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantKind(models.TextChoices):
    """Joint-force participants who walk with the police (群防群治)."""

    SECURITY_GUARD = "security_guard", _("Security guard")
    GRID_WORKER = "grid_worker", _("Grid worker")
    BUILDING_HEAD = "building_head", _("Building head")
    SAFETY_TEAM = "safety_team", _("Safety team member")
    VOLUNTEER = "volunteer", _("Volunteer")


class PointFlag(models.IntegerChoices):
    """Track points are kept whatever they say; flagged ones are not used for distance."""

    OK = 0, _("Valid")
    OUTSIDE_CHINA = 1, _("Outside China")
    IMPOSSIBLE_SPEED = 2, _("Impossible speed")


class FindingKind(models.TextChoices):
    HAZARD = "hazard", _("Hazard")
    DISPUTE_SIGN = "dispute_sign", _("Dispute sign")
    SUSPICIOUS_PERSON = "suspicious_person", _("Suspicious person")
    ENTERPRISE_TROUBLE = "enterprise_trouble", _("Enterprise trouble")
    OTHER = "other", _("Other finding")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Not yet handled")
    HANDLED = "handled", _("Handled")


class VideoPatrolKind(models.TextChoices):
    MOUSE = "mouse", _("Mouse patrol (camera sweep)")
    SENTRY = "sentry", _("Video sentry (fixed watch)")


class AssessmentSubject(models.TextChoices):
    COMMUNITY = "community", _("Community")
    OFFICER = "officer", _("Officer")


class VehicleKind(models.TextChoices):
    E_CAR = "e_car", pgettext_lazy("vehicle", "Electric patrol car")
    POLICE_CAR = "police_car", _("Police car")
    MOTORCYCLE = "motorcycle", _("Police motorcycle")
    BICYCLE = "bicycle", _("Bicycle")


# Modes on foot or at a screen take no vehicle.
MODES_WITHOUT_VEHICLE = (PatrolMode.FOOT, PatrolMode.VIDEO)
