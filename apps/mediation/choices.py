from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DisputeSource(models.TextChoices):
    INCIDENT = "incident", _("Incident diversion")
    WALK_IN = "walk_in", _("Walk-in")
    PATROL = "patrol", _("Patrol finding")
    VILLAGE_OFFICER = "village", _("Village police officer")
    ONLINE = "online", _("Online request")


class DisputeCategory(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours")
    FAMILY = "family", _("Family and marriage")
    LABOUR = "labour", _("Labour and wages")
    DEBT = "debt", _("Debt")
    PROPERTY = "property", _("Property and demolition")
    TRAFFIC = "traffic", _("Traffic")
    CONSUMER = "consumer", _("Consumer")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class EscalationSign(models.TextChoices):
    THREATS = "threats", _("Threats")
    WEAPONS = "weapons", _("Weapons")
    SELF_HARM = "self_harm", _("Talk of self-harm")
    VIOLENCE = "violence", _("Violence already used")
    MASS_GATHERING = "mass_gathering", _("Mass gathering")
    REPEATED_CALLS = "repeated_calls", _("Repeated calls")


# Signs that put a person in danger: the dispute must be assessed within the short deadline.
PERSONAL_SAFETY_SIGNS: frozenset[str] = frozenset(
    {
        EscalationSign.THREATS,
        EscalationSign.WEAPONS,
        EscalationSign.SELF_HARM,
        EscalationSign.VIOLENCE,
    }
)


class DisputeStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("dispute", "Received")
    ASSESSED = "assessed", _("Assessed")
    ASSIGNED = "assigned", _("Assigned to a mediator")
    IN_MEDIATION = "in_mediation", _("In mediation")
    AGREEMENT = "agreement", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A party refused mediation before it began (人民调解法 arts. 3, 17): referred elsewhere,
    # never mediated, so in neither figure of the resolution rate.
    REFUSED = "refused", _("Mediation refused")


# Concluded by mediation: an agreement or a failure. A withdrawal ends the dispute without a
# mediation result and counts in neither figure of the resolution rate (resolved ÷ concluded),
# here and in the statistics.
CONCLUDING_OUTCOMES = (Outcome.AGREEMENT, Outcome.FAILED)


class Referral(models.TextChoices):
    COURT = "court", _("Court (litigation)")
    ARBITRATION = "arbitration", _("Arbitration")
    LABOUR_BUREAU = "labour_bureau", _("Labour bureau")
    OTHER = "other", _("Other department")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class MediatorKind(models.TextChoices):
    """Who mediates. The last seven are 双凤派出所's "七大和事佬" (seven peacemakers: 民警,
    辅警, 社区干部, 网格员, 志愿者, 驻所律师, 街道回聘的法官 — 重庆法制报, 2019-09-25); the
    station's own lawyer is a LAWYER."""

    PEOPLES = "peoples", _("People's mediator (人民调解员)")
    LAWYER = "lawyer", _("Lawyer (驻所律师)")
    COURT = "court", _("Court tribunal (警法联调)")
    RESIDENTS_COMMITTEE = "committee", _("Residents' committee staff")
    MASS_WORKER = "mass_worker", _("Mass work station (老杨群工)")
    POLICE = "police", _("Police officer (七大和事佬)")
    AUXILIARY = "auxiliary", _("Auxiliary police (七大和事佬)")
    CADRE = "cadre", _("Community cadre (七大和事佬)")
    GRID_WORKER = "grid_worker", _("Grid worker (七大和事佬)")
    VOLUNTEER = "volunteer", _("Volunteer (七大和事佬)")
    RETIRED_JUDGE = "retired_judge", _("Judge re-hired by the sub-district (七大和事佬)")


# 双凤's seven peacemakers (七大和事佬), one kind each.
SEVEN_PEACEMAKERS = (
    MediatorKind.POLICE,
    MediatorKind.AUXILIARY,
    MediatorKind.CADRE,
    MediatorKind.GRID_WORKER,
    MediatorKind.VOLUNTEER,
    MediatorKind.LAWYER,
    MediatorKind.RETIRED_JUDGE,
)


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online mediation")


class ConfirmationStatus(models.TextChoices):
    NONE = "", _("Not applied")
    APPLIED = "applied", _("Applied to the court")
    CONFIRMED = "confirmed", _("Confirmed by the court")
    REJECTED = "rejected", _("Not confirmed")


class FollowUpResult(models.TextChoices):
    CARRIED_OUT = "carried_out", _("Carried out")
    PARTLY = "partly", _("Partly carried out")
    NOT_CARRIED_OUT = "not_carried_out", _("Not carried out")


class MediationKind(models.TextChoices):
    """Who mediates, and so which document the agreement is and who issues it."""

    PEOPLES = "peoples", _("People's mediation (人民调解)")
    POLICE = "police", _("Public-security mediation (治安调解)")
    COURT = "court", _("Mediation entrusted by a court (诉调对接)")


class Consent(models.TextChoices):
    PENDING = "", _("Not yet asked")
    GIVEN = "given", _("Consents to mediation")
    REFUSED = "refused", _("Refuses mediation")


class CommitteeKind(models.TextChoices):
    VILLAGE = "village", _("Village committee")
    RESIDENTS = "residents", _("Residents' committee")
    TOWNSHIP = "township", _("Township / sub-district committee")
