from datetime import time

from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from apps.patrols.choices import VehicleKind
from apps.patrols.models import AssessmentScore, Broadcast, Finding, Patrol, TrackPoint, Vehicle
from devtools.demo.patrols import DUSK_NOTE


# Seeded just after midnight (Asia/Shanghai), the hardest time for "yesterday evening" and
# "this morning": the scenes keep their places in time, and a second run adds nothing.
# (One seeding for all the patrols' stories: a seed takes 10-15 s.)
def test_the_dusk_patrol_the_four_e_cars_and_the_assessment_replay(db, settings):
    settings.DEBUG = True
    with freeze_time("2026-11-22 16:10", tick=True):  # 00:10 on the 23rd in Chongqing
        call_command("seed_demo", verbosity=0)
    dusk = Patrol.objects.get(note=DUSK_NOTE)
    assert dusk.status == "finished" and dusk.loudspeaker
    assert {"泥璧村", "宝华村"} <= set(dusk.covered.values_list("name", flat=True))
    assert dusk.distance_m > 5000 and dusk.participants.count() == 2
    [broadcast] = Broadcast.objects.filter(patrol=dusk)
    assert timezone.localtime(broadcast.at).time() < time(21, 0)
    hazard = Finding.objects.get(patrol=dusk, kind="hazard")
    quarrel = Finding.objects.get(patrol=dusk, kind="dispute_sign")
    assert hazard.incident.patrol_finding == hazard and hazard.incident.source == "patrol"
    assert quarrel.dispute.patrol_finding == quarrel
    assert Patrol.objects.filter(status="active").count() == 1
    assert AssessmentScore.objects.filter(subject="community", rank=1).exists()

    # 西彭's four electric patrol cars with loudspeakers, one at the station and one per
    # post, and patrols that used them; the dusk patrol's car has the loudspeaker it used.
    cars = Vehicle.objects.filter(station__name="西彭派出所", kind=VehicleKind.E_CAR)
    assert cars.count() == 4 and all(c.has_loudspeaker for c in cars)
    assert {c.post.name if c.post else None for c in cars} == {
        None,
        "西彭园区警务站",
        "大石堡警务站",
        "城西家园警务站",
    }
    used = Patrol.objects.filter(vehicle__in=cars)
    assert used.filter(status="finished").exists()
    assert used.filter(status="active").count() == 1
    assert dusk.vehicle.has_loudspeaker

    def counts():
        return [m.objects.count() for m in (Patrol, TrackPoint, Finding, Vehicle)]

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before
