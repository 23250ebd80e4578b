"""The person page's association (关联法): residence applications, certificates, permits."""

from django.utils.translation import gettext as _

from apps.registry.related import person_records

from .models import PermitApplication


@person_records
def permit_applications(*, person, user):
    if not user.has_perm("permits.view_permitapplication"):
        return None
    rows = PermitApplication.objects.restrict(user).filter(person=person)
    return (
        _("Residence applications"),
        rows,
        [
            ("kind", _("Kind")),
            ("status", _("Status")),
            ("submitted_at", _("Submitted at")),
            ("decided_at", _("Decided at")),
        ],
    )
