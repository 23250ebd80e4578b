from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PersonCategory(models.TextChoices):
    PERMANENT = "permanent", _("Permanent resident (常住人口)")
    FLOATING = "floating", _("Floating population (流动人口)")
    FOCUS = "focus", _("Focus person (重点人口)")


class HousingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residence")
    RENTAL_ROOM = "rental_room", _("Rented room (出租屋)")
    DORMITORY = "dormitory", _("Workers' dormitory")
    SELF_BUILT = "self_built", _("Village self-built house")
    COMMERCIAL = "commercial", _("Shop or office")


class ResidenceRelation(models.TextChoices):
    OWNER = "owner", _("Owner")
    FAMILY = "family", _("Family member")
    TENANT = "tenant", _("Tenant")
    LODGER = "lodger", _("Lodger / worker")


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop")
    HOTEL = "hotel", _("Hotel (旅馆业)")
    SCHOOL = "school", _("School")
    RESTAURANT = "restaurant", _("Restaurant")
    ENTERTAINMENT = "entertainment", _("Entertainment venue")
    OTHER = "other", _("Other")


class FocusLevel(models.TextChoices):
    WATCH = "watch", _("Watch (关注)")
    CONTROL = "control", _("Control (管控)")
    HIGH_RISK = "high_risk", _("High risk (高危)")
