"""The standard taxonomy (职责细分): 40+ major and 100+ minor categories, each minor with a
handling procedure, loaded per bureau without overwriting what an admin edited."""

import pytest
from django.core.management import call_command

from apps.cases.models import IncidentCategory, ProcedureStep
from apps.cases.services import taxonomy_seed
from apps.cases.taxonomy_data import TAXONOMY

pytestmark = pytest.mark.django_db


def test_the_standard_taxonomy_has_the_size_the_seeds_speak_of():
    minors = [minor for *_, group in TAXONOMY for minor in group]
    codes = [major[0] for major in TAXONOMY] + [minor[0] for minor in minors]
    assert len(TAXONOMY) >= 40
    assert len(minors) >= 100
    assert len(codes) == len(set(codes))
    assert all(minor[0].startswith(major[0]) for major in TAXONOMY for minor in major[4])
    assert all(len(steps) >= 3 for _, _, steps in minors)


def test_seeding_loads_every_minor_with_its_ordered_procedure(org):
    created = taxonomy_seed(bureau=org.jiulongpo)
    minors = IncidentCategory.objects.filter(bureau=org.jiulongpo, parent__isnull=False)
    assert created == len(TAXONOMY) + minors.count()
    fight = minors.get(code="0201")
    assert fight.parent.code == "02"
    steps = list(ProcedureStep.objects.filter(category=fight).order_by("order"))
    assert [step.order for step in steps] == list(range(1, len(steps) + 1))
    assert steps[0].text.startswith("到场")
    assert not IncidentCategory.objects.filter(bureau=org.yubei).exists()


def test_seeding_again_keeps_what_an_admin_edited(org):
    taxonomy_seed(bureau=org.jiulongpo)
    IncidentCategory.objects.filter(bureau=org.jiulongpo, code="0501").update(name="广场舞扰民")
    IncidentCategory.objects.filter(bureau=org.jiulongpo, code="0502").delete()
    call_command("load_taxonomy", org.jiulongpo.code, verbosity=0)
    assert IncidentCategory.objects.get(bureau=org.jiulongpo, code="0501").name == "广场舞扰民"
    assert IncidentCategory.objects.filter(bureau=org.jiulongpo, code="0502").exists()
    assert IncidentCategory.objects.filter(bureau=org.jiulongpo, code="0201").count() == 1
