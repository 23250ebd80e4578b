from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal (刑事)")
    PUBLIC_ORDER = "public_order", _("Public order (治安)")
    TRAFFIC = "traffic", _("Traffic (交通)")
    DISPUTE = "dispute", _("Dispute (纠纷)")
    HELP = "help", _("Help request (求助)")
    FIRE = "fire", _("Fire and disasters (火灾及灾害)")
    REPORT = "report", _("Report or clue (举报线索)")
    SOCIAL = "social", _("Social services (社会联动)")
    SAFETY = "safety", _("Safety hazard (安全隐患)")
    CONSULTATION = "consultation", _("Consultation (咨询)")
    INVALID = "invalid", _("Invalid call (无效报警)")
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    NORMAL = 2, _("Normal")
    LOW = 3, _("Low")


class IncidentSource(models.TextChoices):
    CENTRE_110 = "110", _("110 command centre")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call to the station")
    PATROL = "patrol", _("Patrol finding")
    SENSOR = "sensor", _("Sensor")
    ONLINE = "online", _("Online")


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to a post")
    DISPATCHED = "dispatched", _("Dispatched")
    EN_ROUTE = "en_route", _("On the way")
    ARRIVED = "arrived", _("Arrived")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")


class Disposition(models.TextChoices):
    CASE = "case", _("Converted to a case")
    MEDIATION = "mediation", _("Diverted to mediation")
    SETTLED = "settled", _("Settled on the spot")
    REFERRED = "referred", _("Referred to another department")
    INVALID = "invalid", _("Invalid or nuisance call")


class CaseKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal case (刑事案件)")
    PUBLIC_SECURITY = "public_security", _("Public-security case (治安案件)")


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted (受案)")
    FILED = "filed", _("Filed (立案)")
    NOT_FILED = "not_filed", _("Not filed (不予立案)")
    INVESTIGATING = "investigating", _("Under investigation")
    SOLVED = "solved", _("Solved (破案)")
    CLOSED = "closed", _("Closed (结案)")


class CaseOutcome(models.TextChoices):
    PROSECUTION = "prosecution", _("Referred for prosecution (移送起诉)")
    PENALTY = "penalty", _("Penalty decision (处罚决定)")
    NO_PENALTY = "no_penalty", _("No penalty (不予处罚)")
    MEDIATED = "mediated", _("Settled by mediation (调解结案)")
    REVOKED = "revoked", _("Case revoked (撤销案件)")
    TRANSFERRED = "transferred", _("Transferred to another authority (移交)")
    NOT_FILED = "not_filed", _("Not filed (不予立案)")


class PartyRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")
    VIDEO = "video", _("Video")
    STATEMENT = "statement", _("Statement (笔录)")
    OTHER = "other", _("Other")


class ShiftRole(models.TextChoices):
    ON_DUTY = "on_duty", _("On duty (值班)")
    LEADER = "leader", _("Duty leader (带班)")
    STANDBY = "standby", _("Standby (备勤)")


class InjuryGrade(models.TextChoices):
    """The forensic injury grade (人体损伤程度鉴定标准): a minor injury stays a public-security
    matter; a light injury or worse is a crime (故意伤害罪)."""

    MINOR = "minor", _("Minor injury (轻微伤)")
    LIGHT = "light", _("Light injury (轻伤)")
    SERIOUS = "serious", _("Serious injury (重伤)")


CRIMINAL_INJURY_GRADES = frozenset({InjuryGrade.LIGHT, InjuryGrade.SERIOUS})


class SuspensionKind(models.TextChoices):
    APPRAISAL = "appraisal", _("Forensic appraisal (鉴定)")
    HEARING = "hearing", _("Hearing (听证)")


class ExtensionKind(models.TextChoices):
    HANDLING = "handling", _("Handling time limit (办案期限)")
    FILING = "filing", _("Filing review (立案审查期限)")
