"""Stations get their public-security organ code (公安机关机构代码), and the numbers already
given out take it in place of the station's pinyin code: 500107-xipeng-JQ2026000012 becomes
500107530100JQ2026000012 (apps/stations/numbers.py).

The migration cannot know a station's real organ code: it gives each existing station a
provisional one from its sub-bureau's six-digit code (500107, 53, the station's place in
the bureau in the order the stations were added, 00: the demo's codes), which the
sub-bureau admin corrects in admin. Records numbered later carry
the corrected code; those renumbered here keep the provisional one.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, Substr

NUMBERED = [
    ("cases", "Incident"),
    ("cases", "Case"),
    ("mediation", "Dispute"),
    ("permits", "ResidenceCertificate"),
    ("permits", "ResidencePermit"),
]


def _provisional_codes(Station) -> dict[int, str]:
    codes, used = {}, set()
    places: dict[int, int] = {}
    for station in Station.objects.select_related("bureau").order_by("bureau_id", "pk"):
        place = places[station.bureau_id] = places.get(station.bureau_id, 0) + 1
        bureau = station.bureau.code
        code = f"{bureau}{530000 + place * 100:06d}"
        if not (bureau.isdigit() and len(bureau) == 6) or code in used:
            code = f"{990000000000 + station.pk:012d}"
        used.add(code)
        codes[station.pk] = code
    return codes


def _renumber(apps, station, old: str, new: str) -> None:
    for app_label, name in NUMBERED:
        model = apps.get_model(app_label, name)
        model.objects.filter(station=station, number__startswith=old).update(
            number=Concat(Value(new), Substr("number", len(old) + 1))
        )


def give_organ_codes(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    for pk, code in _provisional_codes(Station).items():
        station = Station.objects.get(pk=pk)
        station.organ_code = code
        station.save(update_fields=["organ_code"])
        _renumber(apps, station, f"{station.code}-", code)


def restore_numbers(apps, schema_editor):
    Station = apps.get_model("stations", "Station")
    for station in Station.objects.exclude(organ_code=""):
        _renumber(apps, station, station.organ_code, f"{station.code}-")


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0003_community_boundary"),
        ("cases", "0001_initial"),
        ("mediation", "0001_initial"),
        ("permits", "0002_enterprise_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="station",
            name="organ_code",
            field=models.CharField(default="", max_length=12, verbose_name="organ code"),
            preserve_default=False,
        ),
        migrations.RunPython(give_organ_codes, restore_numbers),
        migrations.AlterField(
            model_name="station",
            name="organ_code",
            field=models.CharField(
                help_text=(
                    "The station's public-security organ code (公安机关机构代码, GA 380), "
                    "twelve digits. Incident, case, dispute and permit numbers start with it."
                ),
                max_length=12,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{12}\\Z", "The organ code has twelve digits."
                    )
                ],
                verbose_name="organ code",
            ),
        ),
    ]
