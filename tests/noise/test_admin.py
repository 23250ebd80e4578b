"""Admin: a sensor registered there gets its key shown once; keys rotate and revoke as
actions; the standard's limits are a superuser's to edit."""

from django.contrib.messages import get_messages
from django.urls import reverse

from apps.noise.models import NoiseLimit, NoiseSensor
from apps.noise.services import key_hash

from .conftest import make_sensor


def test_a_sensor_added_in_admin_shows_its_key_once(client, org):
    client.force_login(org.user("jlp_admin"))
    officer = org.user("xipeng_community")
    response = client.post(
        reverse("admin:noise_noisesensor_add"),
        {
            "station": org.xipeng.pk,
            "community": org.yingxin.pk,
            "name": "宝华村广场",
            "latitude": "29.36",
            "longitude": "106.30",
            "zone_class": "2",
            "contacts": [officer.pk],
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",  # the message is read in English below
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sensor = NoiseSensor.objects.get(name="宝华村广场")
    assert list(sensor.contacts.all()) == [officer]
    [shown] = [str(m) for m in get_messages(response.wsgi_request) if "key" in str(m).lower()]
    key = shown.rsplit(" ", 1)[-1]
    assert sensor.key_hash == key_hash(key)


def test_keys_rotate_and_revoke_from_the_list(client, org):
    sensor, key = make_sensor(org)
    client.force_login(org.user("jlp_admin"))
    url = reverse("admin:noise_noisesensor_changelist")
    client.post(url, {"action": "rotate_key", "_selected_action": [sensor.pk]})
    sensor.refresh_from_db()
    assert sensor.key_hash != key_hash(key) and sensor.key_revoked_at is None
    client.post(url, {"action": "revoke_key", "_selected_action": [sensor.pk]})
    sensor.refresh_from_db()
    assert sensor.key_revoked_at is not None


def test_only_a_superuser_edits_the_standard_limits(client, org):
    # get_or_create: a transactional test elsewhere may have flushed the migration's rows.
    limit, _ = NoiseLimit.objects.get_or_create(
        zone_class="1", defaults={"day_limit": 55, "night_limit": 45}
    )
    url = reverse("admin:noise_noiselimit_change", args=[limit.pk])
    client.force_login(org.user("jlp_admin"))
    client.post(url, {"zone_class": "1", "day_limit": 60, "night_limit": 45})
    limit.refresh_from_db()
    assert limit.day_limit == 55
    client.force_login(org.user("superuser"))
    response = client.post(url, {"zone_class": "1", "day_limit": 60, "night_limit": 45})
    assert response.status_code == 302
    limit.refresh_from_db()
    assert limit.day_limit == 60
