"""The name's pinyin and initials for the search by pinyin, filled in for the persons
already registered (in batches, before the indexes are built)."""

from django.db import migrations, models

from apps.registry.pinyin import name_keys

BATCH = 2000


def fill_name_keys(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk").only("pk", "name")[:BATCH])
        if not batch:
            return
        for person in batch:
            person.name_pinyin, person.name_initials = name_keys(person.name)
        Person.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0001_initial'),
        ('stations', '0002_post_area_station_area'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='name_initials',
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name='initials of the name'),
        ),
        migrations.AddField(
            model_name='person',
            name='name_pinyin',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='name in pinyin'),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_initials'], name='registry_person_initials', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['name_pinyin'], name='registry_person_pinyin', opclasses=['varchar_pattern_ops']),
        ),
    ]
