from django.core.management import call_command

from apps.accounts.models import User
from apps.permits.enterprise import contact_unit
from apps.permits.models import PermitApplication, ResidenceCertificate, ResidencePermit
from apps.permits.selectors import review_queue
from devtools.demo.permits import DEMO_CITIZEN, DEMO_CONTACT


def test_the_demo_has_a_permit_holder_and_a_queue_at_the_park_post(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    citizen = User.objects.get(username=DEMO_CITIZEN)
    assert ResidenceCertificate.objects.filter(holder=citizen).count() == 1
    permit = ResidencePermit.objects.get(holder=citizen)
    assert permit.state == "valid" and permit.post.name == "西彭园区警务站"
    officer = User.objects.get(username="xipeng_community")
    queue = list(review_queue(user=officer))
    assert len(queue) == 3
    assert queue == sorted(queue, key=lambda a: a.queued_at)
    unit = contact_unit(User.objects.get(username=DEMO_CONTACT))
    assert unit.kind == "enterprise" and unit.station == permit.station
    before = PermitApplication.objects.count()
    call_command("seed_demo", verbosity=0)
    assert PermitApplication.objects.count() == before
