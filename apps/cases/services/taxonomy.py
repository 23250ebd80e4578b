"""The incident taxonomy (职责细分): the standard categories and their procedures."""

from django.db import transaction

from apps.stations.models import Bureau

from ..models import IncidentCategory, ProcedureStep


def taxonomy_seed(*, bureau: Bureau) -> int:
    """Load the standard taxonomy (taxonomy_data) into a bureau; returns the categories
    created. Existing codes are left as the admin edited them."""
    from ..taxonomy_data import MINOR_KINDS, TAXONOMY

    created = 0
    with transaction.atomic():
        existing = set(
            IncidentCategory.objects.filter(bureau=bureau).values_list("code", flat=True)
        )
        for code, name, kind, priority, minors in TAXONOMY:
            major = IncidentCategory.objects.filter(bureau=bureau, code=code).first()
            if major is None:
                major = IncidentCategory.objects.create(
                    bureau=bureau, code=code, name=name, kind=kind, default_priority=priority
                )
                created += 1
            for minor_code, minor_name, steps in minors:
                if minor_code in existing:
                    continue
                minor = IncidentCategory.objects.create(
                    bureau=bureau,
                    parent=major,
                    code=minor_code,
                    name=minor_name,
                    kind=MINOR_KINDS.get(minor_code, kind),
                    default_priority=priority,
                )
                ProcedureStep.objects.bulk_create(
                    ProcedureStep(category=minor, order=i, text=text)
                    for i, text in enumerate(steps, start=1)
                )
                created += 1
    return created
