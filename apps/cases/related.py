"""The person page's association (关联法): incidents a person called in, cases they are in."""

from django.utils.translation import gettext as _

from apps.registry.related import person_records

from .models import CaseParty, Incident


@person_records
def incidents_called(*, person, user):
    if not user.has_perm("cases.view_incident"):
        return None
    rows = Incident.objects.restrict(user).filter(caller_person=person).select_related("category")
    return (
        _("Incidents reported"),
        rows,
        [
            ("number", _("Number")),
            ("received_at", _("Received at")),
            ("category", _("Incident category")),
            ("status", _("Status")),
        ],
    )


@person_records
def case_parties(*, person, user):
    if not user.has_perm("cases.view_case"):
        return None
    rows = CaseParty.objects.restrict(user).filter(person=person).select_related("case")
    return (
        _("Cases"),
        rows,
        [("case", _("Case")), ("role", _("Role"))],
    )
