from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    POST = "post", _("Police post (警务站)")
    ROOM = "room", _("Police room (警务室)")


class CommunityKind(models.TextChoices):
    VILLAGE = "village", _("Village (村)")
    RESIDENTS_COMMITTEE = "committee", _("Residents' committee (居委会)")
    COMMUNITY = "community", _("Community (社区)")


class StaffKind(models.TextChoices):
    OFFICER = "officer", _("Police officer (民警)")
    AUXILIARY = "auxiliary", _("Auxiliary police (辅警)")
    GRID_WORKER = "grid_worker", _("Grid worker (网格员)")
    BUILDING_HEAD = "building_head", _("Building head (楼栋长)")
    SAFETY_GUARD = "safety_guard", _("Safety guard team (平安护卫队)")
    SECURITY_GUARD = "security_guard", _("Enterprise security guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    MEDIATOR = "mediator", _("Mediator")


class StationUnit(models.TextChoices):
    """一室两队: the three parts of a station."""

    COMMAND_ROOM = "command_room", _("Command room (综合指挥室)")
    COMMUNITY_TEAM = "community_team", _("Community policing team (社区警务队)")
    CASE_TEAM = "case_team", _("Case team (案件办理队)")
    LEADERSHIP = "leadership", _("Station leadership (所领导)")
    JOINT_FORCE = "joint_force", _("Joint forces")


class ServiceKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation (群众咨询)")
    RESIDENCE_REGISTRATION = "residence_registration", _("Residence registration (居住登记)")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit (居住证)")
    LOST_DRIVING_LICENCE = "lost_driving_licence", _("Lost driving licence replaced")
    HOUSEHOLD = "household", _("Household registration matters (户政)")
    CERTIFICATE = "certificate", _("Certificate issued (开具证明)")
    LOST_AND_FOUND = "lost_and_found", _("Lost and found")
    OTHER = "other", _("Other service")


class AreaKind(models.TextChoices):
    """How fast a car gets through the area around a post: the dispatch estimate's speed."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class AppointmentTitle(models.TextChoices):
    """What a police officer appointed to a village or residents' committee serves as there
    (西彭, 2019: party-member officers as deputy secretaries of the 28 村居's branches)."""

    BRANCH_DEPUTY_SECRETARY = "branch_deputy_secretary", _("Deputy party branch secretary")
    GENERAL_BRANCH_DEPUTY_SECRETARY = (
        "general_branch_deputy_secretary",
        _("Deputy general party branch secretary"),
    )
    COMMITTEE_DEPUTY_DIRECTOR = "committee_deputy_director", _("Deputy committee director")
