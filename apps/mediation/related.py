"""The person page's association (关联法): disputes a person is a party to."""

from django.utils.translation import gettext as _

from apps.registry.related import person_records

from .models import DisputeParty


@person_records
def dispute_parties(*, person, user):
    if not user.has_perm("mediation.view_dispute"):
        return None
    rows = DisputeParty.objects.restrict(user).filter(person=person).select_related("dispute")
    return (
        _("Disputes"),
        rows,
        [("dispute", _("Dispute")), ("role", _("Role"))],
    )
