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
    IncidentCategory.objects.filter(bureau=org.jiulongpo, code="4401").update(name="广场舞扰民")
    IncidentCategory.objects.filter(bureau=org.jiulongpo, code="4402").delete()
    call_command("load_taxonomy", org.jiulongpo.code, verbosity=0)
    assert IncidentCategory.objects.get(bureau=org.jiulongpo, code="4401").name == "广场舞扰民"
    assert IncidentCategory.objects.filter(bureau=org.jiulongpo, code="4402").exists()
    assert IncidentCategory.objects.filter(bureau=org.jiulongpo, code="0201").count() == 1


def test_the_seed_has_one_fight_code_noise_under_social_administration_and_complaints(org):
    taxonomy_seed(bureau=org.jiulongpo)
    mine = IncidentCategory.objects.filter(bureau=org.jiulongpo)
    fights = mine.filter(name__contains="殴", parent__isnull=False).exclude(
        code__in=["0203", "2801"]
    )  # 持械伤人 and 寻衅滋事 are other offences
    assert [c.code for c in fights] == ["0201"]
    assert mine.get(code="0201").kind == "public_order"  # a crime only from 轻伤 up
    assert mine.get(code="1201").name == "家庭暴力" and mine.get(code="1201").parent.code == "12"
    assert {c.code for c in mine.filter(parent__code="44")} == {"4401", "4402"}
    assert mine.get(code="44").name == "妨害社会管理"
    assert all("噪声" in c.name for c in mine.filter(parent__code="44"))
    assert not mine.filter(parent__code="05", name__contains="噪声").exists()
    assert {c.kind for c in mine.filter(code__startswith="34")} == {"other"}
    complaints = mine.filter(parent__code="45")
    assert mine.get(code="45").name == "警务投诉" and complaints.count() == 3
    assert all(c.steps.filter(text__contains="回避").exists() for c in complaints)


def test_the_data_migration_reshapes_a_bureaus_existing_taxonomy(org):
    """A bureau seeded before issue 17: noise under 05, two fight codes, 非正常死亡 criminal,
    no complaints. Its incidents keep their categories; an admin's names stay."""
    import importlib

    from django.apps import apps

    from apps.cases.services import incident_report
    from apps.core.testing.personas import XIPENG_DESK

    migration = importlib.import_module(
        "apps.cases.migrations.0007_taxonomy_complaints_fights_noise"
    )
    taxonomy_seed(bureau=org.jiulongpo)
    mine = IncidentCategory.objects.filter(bureau=org.jiulongpo)
    order = mine.get(code="05")
    mine.filter(code="4401").update(code="0501", parent=order, name="广场舞扰民")
    mine.filter(code="4402").update(code="0502", parent=order)
    mine.filter(code__in=["4501", "4502", "4503"]).delete()
    mine.filter(code__in=["44", "45"]).delete()
    IncidentCategory.objects.create(
        bureau=org.jiulongpo,
        parent=mine.get(code="41"),
        code="4103",
        name="殴打他人（轻微）",
        kind="public_order",
    )
    mine.filter(code__startswith="34").update(kind="criminal")
    mine.filter(code="0201").update(kind="criminal")
    incident, _ = incident_report(
        by=org.user(XIPENG_DESK), source="110", place_text="广场", category=mine.get(code="0501")
    )

    migration.forward(apps, None)
    migration.forward(apps, None)  # a second run changes nothing

    dance = mine.get(code="4401")
    assert dance.name == "广场舞扰民" and dance.parent.code == "44"
    assert mine.get(code="4402").parent.name == "妨害社会管理"
    assert not mine.filter(code__in=["0501", "0502"]).exists()
    incident.refresh_from_db()
    assert incident.category == dance
    assert not mine.get(code="4103").is_active
    assert mine.get(code="0201").kind == "public_order"
    assert {c.kind for c in mine.filter(code__startswith="34")} == {"other"}
    assert mine.filter(parent__code="45").count() == 3
    assert not IncidentCategory.objects.filter(bureau=org.yubei).exists()
