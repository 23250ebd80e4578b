"""The sensors' readings endpoint with device keys, and the staff API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.cases.models import Incident
from apps.noise.models import NoiseEvent, NoiseReading, NoiseSensor
from apps.noise.services import sensor_revoke_key, sensor_rotate_key

from .conftest import local, make_sensor

URL = "/api/v1/noise/readings/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DAY = "2026-06-01"


def batch(start="20:30:00", seconds=70, level=72, **extra):
    first = local(DAY, start)
    readings = [
        {"at": (first + timedelta(seconds=s)).isoformat(), "db_a": level}
        for s in range(0, seconds, 10)
    ]
    return {"readings": readings, **extra}


def post(client, body, key):
    headers = {"HTTP_AUTHORIZATION": f"Sensor {key}"} if key is not None else {}
    return client.post(URL, body, content_type="application/json", **headers)


class TestReadings:
    def test_a_sensor_with_its_key_posts_readings_and_is_told_to_warn(self, client, noise):
        response = post(client, batch(), noise.key)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["play_warning"] is True
        assert body["text"] == "音量超过国家标准限值，请调低音量"
        assert (body["received"], body["processed"]) == (7, 7)
        assert NoiseEvent.objects.filter(sensor=noise.sensor, closed_at__isnull=True).exists()

    def test_quiet_readings_play_nothing(self, client, noise):
        body = post(client, batch(level=40), noise.key).json()
        assert body["play_warning"] is False and body["text"] == ""

    def test_a_re_sent_batch_is_harmless(self, client, noise):
        post(client, batch(), noise.key)
        response = post(client, batch(), noise.key)
        assert response.status_code == 200 and response.json()["processed"] == 0
        assert NoiseReading.objects.count() == 7 and NoiseEvent.objects.count() == 1

    @pytest.mark.parametrize("key", [None, "", "wrong-key"])
    def test_a_missing_or_wrong_key_is_401(self, client, noise, key):
        response = post(client, batch(), key)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response.headers["WWW-Authenticate"] == "Sensor"
        assert not NoiseReading.objects.exists()

    def test_a_revoked_key_is_401(self, client, noise):
        sensor_revoke_key(sensor=noise.sensor, by=noise.org.user("xipeng_leader"))
        assert post(client, batch(), noise.key).status_code == 401
        assert not NoiseReading.objects.exists()

    def test_a_rotated_key_replaces_the_old_one(self, client, noise):
        new = sensor_rotate_key(sensor=noise.sensor, by=noise.org.user("xipeng_leader"))
        assert post(client, batch(), noise.key).status_code == 401
        assert post(client, batch(), new).status_code == 200

    def test_a_retired_sensor_is_401(self, client, noise):
        NoiseSensor.objects.filter(pk=noise.sensor.pk).update(is_active=False)
        assert post(client, batch(), noise.key).status_code == 401

    def test_a_staff_login_cannot_post_readings(self, client, noise):
        client.force_login(noise.org.user("superuser"))
        assert post(client, batch(), None).status_code == 401
        assert not NoiseReading.objects.exists()

    def test_an_unknown_sensor_is_404_and_another_sensor_403(self, client, noise):
        assert post(client, batch(sensor=999999), noise.key).status_code == 404
        other, _key = make_sensor(noise.org, name="另一个")
        assert post(client, batch(sensor=other.pk), noise.key).status_code == 403
        assert post(client, batch(sensor=noise.sensor.pk), noise.key).status_code == 200
        assert NoiseReading.objects.count() == 7

    @pytest.mark.parametrize("level", [19.9, 140.5, "loud", None])
    def test_bad_decibels_are_400_and_nothing_is_saved(self, client, noise, level):
        body = batch()
        body["readings"][3]["db_a"] = level
        response = post(client, body, noise.key)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid" and "readings" in error["fields"]
        assert not NoiseReading.objects.exists() and not NoiseEvent.objects.exists()

    @pytest.mark.parametrize("body", [{}, {"readings": []}, {"readings": [{"db_a": 60}]}, []])
    def test_a_malformed_batch_is_400(self, client, noise, body):
        response = post(client, body, noise.key)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


class TestSensorsApi:
    def test_registering_a_sensor_shows_its_key_once(self, client, noise):
        client.force_login(noise.org.user("xipeng_leader"))
        response = client.post(
            reverse("noisesensor-list"),
            {
                "station": noise.org.xipeng.pk,
                "community": noise.org.yingxin.pk,
                "name": "宝华村文化广场",
                "latitude": "29.36",
                "longitude": "106.30",
                "zone_class": "2",
                "contacts": [noise.officer.pk],
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        key = body["key"]
        assert body["key_active"] is True and body["contacts"] == [noise.officer.pk]
        sensor = NoiseSensor.objects.get(pk=body["id"])
        assert key not in sensor.key_hash and len(sensor.key_hash) == 64
        detail = client.get(reverse("noisesensor-detail", args=[sensor.pk])).json()
        assert "key" not in detail
        client.logout()
        assert post(client, batch(), key).status_code == 200

    def test_another_station_is_refused_as_a_place_for_a_sensor(self, client, noise):
        client.force_login(noise.org.user("xipeng_leader"))
        response = client.post(
            reverse("noisesensor-list"),
            {
                "station": noise.org.shuangfeng.pk,
                "name": "x",
                "latitude": "29.6",
                "longitude": "106.6",
                "zone_class": "1",
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        assert NoiseSensor.objects.count() == 1

    def test_rotate_and_revoke_key(self, client, noise):
        client.force_login(noise.org.user("xipeng_leader"))
        url = reverse("noisesensor-rotate-key", args=[noise.sensor.pk])
        new = client.post(url).json()["key"]
        assert new != noise.key
        revoked = client.post(reverse("noisesensor-revoke-key", args=[noise.sensor.pk])).json()
        assert revoked["key_active"] is False and "key" not in revoked
        client.logout()
        assert post(client, batch(), new).status_code == 401

    def test_a_desk_officer_may_not_rotate_keys(self, client, noise):
        client.force_login(noise.org.user("xipeng_desk"))
        url = reverse("noisesensor-rotate-key", args=[noise.sensor.pk])
        assert client.post(url).status_code == 403
        client.logout()
        assert post(client, batch(), noise.key).status_code == 200

    def test_another_bureau_admin_gets_404(self, client, noise):
        client.force_login(noise.org.user("yubei_admin"))
        url = reverse("noisesensor-rotate-key", args=[noise.sensor.pk])
        assert client.post(url).status_code == 404


@freeze_time("2026-06-01T13:00:00Z")  # 21:00 in Chongqing, after the evening's readings
class TestEventsApi:
    def test_an_event_that_lasted_eleven_minutes_becomes_an_incident(self, client, noise):
        post(client, batch(seconds=660), noise.key)
        event = NoiseEvent.objects.get()
        client.force_login(noise.org.user("xipeng_desk"))
        row = client.get(reverse("noiseevent-detail", args=[event.pk])).json()
        assert row["qualifies_for_incident"] is True and row["incident_grounds"] == ["duration"]
        url = reverse("noiseevent-to-incident", args=[event.pk])
        response = client.post(url)
        assert response.status_code == 201, response.content
        incident = Incident.objects.get()
        assert response.json()["incident"] == incident.pk
        assert incident.source == "sensor"
        again = client.post(url)
        assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    def test_a_short_first_event_does_not_qualify_and_is_refused_with_409(self, client, noise):
        post(client, batch(), noise.key)  # 70 seconds
        event = NoiseEvent.objects.get()
        client.force_login(noise.org.user("xipeng_desk"))
        [row] = client.get(reverse("noiseevent-list")).json()["results"]
        assert (row["repeats_in_week"], row["qualifies_for_incident"]) == (0, False)
        assert row["incident_grounds"] == []
        response = client.post(reverse("noiseevent-to-incident", args=[event.pk]), **EN)
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "not_qualified"
        assert "cannot become an incident yet" in error["message"]
        assert not Incident.objects.exists()

    def test_the_third_event_at_the_sensor_in_a_week_qualifies(self, client, noise):
        # Three short dances, quiet between: the event closes once the 10-minute LAeq has
        # been back under the limit for 5 minutes.
        for start in ("19:30", "20:00", "20:30"):
            post(client, batch(start=f"{start}:00"), noise.key)
            quiet = (local(DAY, f"{start}:00") + timedelta(seconds=70)).strftime("%H:%M:%S")
            post(client, batch(start=quiet, seconds=1200, level=40), noise.key)
        client.force_login(noise.org.user("xipeng_desk"))
        rows = client.get(reverse("noiseevent-list")).json()["results"]  # newest first
        assert [r["repeats_in_week"] for r in rows] == [2, 1, 0]
        assert [r["qualifies_for_incident"] for r in rows] == [True, False, False]
        assert rows[0]["incident_grounds"] == ["repeat"]
        response = client.post(reverse("noiseevent-to-incident", args=[rows[0]["id"]]))
        assert response.status_code == 201, response.content

    def test_each_listed_event_is_its_detail_key_for_key(self, client, noise):
        """The list's own writer (noise.api.listing) against the serializer of the detail:
        closed events, one made an incident, and one still open."""
        for start in ("19:30", "20:00"):
            post(client, batch(start=f"{start}:00"), noise.key)
            quiet = (local(DAY, f"{start}:00") + timedelta(seconds=70)).strftime("%H:%M:%S")
            post(client, batch(start=quiet, seconds=1200, level=40), noise.key)
        post(client, batch(start="20:40:00", seconds=660), noise.key)  # open, 11 minutes
        client.force_login(noise.org.user("xipeng_desk"))
        rows = client.get(reverse("noiseevent-list")).json()["results"]
        made = client.post(reverse("noiseevent-to-incident", args=[rows[0]["id"]]))
        assert made.status_code == 201, made.content

        rows = client.get(reverse("noiseevent-list")).json()["results"]
        assert len(rows) == 3 and rows[0]["closed_at"] is None and rows[0]["incident_number"]
        for row in rows:
            assert row == client.get(reverse("noiseevent-detail", args=[row["id"]])).json()

    def test_without_the_incident_right_it_is_403(self, client, noise):
        post(client, batch(), noise.key)
        event = NoiseEvent.objects.get()
        client.force_login(noise.org.user("jlp_admin"))  # may see events, not take incidents
        response = client.post(reverse("noiseevent-to-incident", args=[event.pk]))
        assert response.status_code == 403
        assert not Incident.objects.exists()
