from datetime import time

from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from apps.patrols.models import AssessmentScore, Broadcast, Finding, Patrol, TrackPoint
from devtools.demo.patrols import DUSK_NOTE


# Seeded just after midnight (Asia/Shanghai), the hardest time for "yesterday evening" and
# "this morning": the scenes keep their places in time, and a second run adds nothing.
def test_the_dusk_patrol_of_the_seeds_and_the_assessment_replay(db, settings):
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
    counts = (Patrol.objects.count(), TrackPoint.objects.count(), Finding.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Patrol.objects.count(), TrackPoint.objects.count(), Finding.objects.count()) == counts
