"""The noise event state machine with explicit local times, batches, notifications and the
conversion to an incident."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django.utils.translation import override

from apps.cases.models import Incident
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.models import Notification
from apps.noise.models import (
    STANDARD_LIMITS,
    NoiseEvent,
    NoiseLimit,
    NoiseReading,
    NoiseSettings,
)
from apps.noise.selectors import (
    DURATION,
    REPEAT,
    incident_grounds,
    noise_settings,
    repeats_in_week,
)
from apps.noise.services import noise_event_to_incident, readings_ingest, sensor_revoke_key

from .conftest import closed_event, local, series

DAY = "2026-06-01"


def ingest(scene, readings):
    return readings_ingest(sensor=scene.sensor, readings=readings)


def events(scene):
    return list(NoiseEvent.objects.filter(sensor=scene.sensor).order_by("opened_at"))


class TestOpening:
    def test_it_opens_an_event_after_a_minute_over_the_limit(self, noise):
        result = ingest(noise, series(local(DAY, "20:30:00"), 60, 72))  # 20:30:00–20:30:50
        assert events(noise) == [] and result.play_warning is False and result.text == ""
        result = ingest(noise, series(local(DAY, "20:31:00"), 10, 73))
        [event] = events(noise)
        assert event.opened_at == local(DAY, "20:30:00")
        assert (event.peak, event.limit, event.period) == (Decimal("73.0"), 55, "day")
        assert event.closed_at is None
        assert result.play_warning is True
        assert result.text == "音量超过国家标准限值，请调低音量"

    def test_a_short_burst_that_keeps_the_laeq_under_the_limit_opens_nothing(self, noise):
        # 10 s of 62 dB(A) in ten minutes of 50: LAeq 51.0, under the day limit of 55.
        readings = series(local(DAY, "20:20:00"), 600, 50) + series(local(DAY, "20:30:00"), 10, 62)
        result = ingest(noise, readings + series(local(DAY, "20:30:10"), 300, 50))
        assert events(noise) == [] and result.play_warning is False

    def test_a_level_at_the_limit_is_not_over_it(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 180, 55))
        assert events(noise) == []

    def test_the_open_delay_comes_from_the_bureau_settings(self, noise):
        NoiseSettings.objects.create(bureau=noise.org.jiulongpo, open_after_seconds=0)
        # The second reading gives the first its duration: the LAeq is over at once.
        result = ingest(noise, series(local(DAY, "20:30:00"), 20, 60))
        assert len(events(noise)) == 1 and result.play_warning is True

    def test_a_batch_split_anywhere_gives_the_same_event(self, noise):
        readings = series(local(DAY, "20:30:00"), 120, 72)
        for i in range(0, len(readings), 3):
            ingest(noise, readings[i : i + 3])
        [event] = events(noise)
        assert event.opened_at == local(DAY, "20:30:00")

    def test_a_silence_breaks_the_run(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 30, 72))
        ingest(noise, series(local(DAY, "20:45:00"), 40, 72))  # 15 minutes later
        assert events(noise) == []
        ingest(noise, series(local(DAY, "20:45:40"), 30, 72))
        [event] = events(noise)
        assert event.opened_at == local(DAY, "20:45:00")


class TestHoldingAndClosing:
    @pytest.fixture
    def opened(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 120, 72))  # open from 20:30, until 20:31:50
        return noise

    def test_it_holds_through_a_short_dip_and_keeps_the_peak(self, opened):
        ingest(opened, series(local(DAY, "20:32:00"), 120, 50))  # two quiet minutes
        result = ingest(opened, series(local(DAY, "20:34:00"), 60, 78))
        [event] = events(opened)
        assert event.closed_at is None and event.peak == Decimal("78.0")
        assert result.play_warning is True

    def test_it_closes_five_minutes_after_the_laeq_is_back_under_the_limit(self, opened):
        # The two loud minutes (20:30–20:32) keep the 10-minute LAeq over 55 until they
        # leave the window, at 20:42; five quiet minutes of LAeq later, at 20:47, it closes
        # where the noise stopped. The warning stops as soon as the level is down.
        result = ingest(opened, series(local(DAY, "20:32:00"), 900, 50))  # to 20:46:50
        assert events(opened)[0].closed_at is None and result.play_warning is False
        result = ingest(opened, series(local(DAY, "20:47:00"), 10, 50))
        [event] = events(opened)
        assert event.closed_at == local(DAY, "20:32:00")  # where the noise stopped
        assert result.closed == [event]
        assert event.laeq == Decimal("72.0") and event.peak == Decimal("72.0")

    def test_a_burst_during_the_quiet_spell_restarts_it(self, opened):
        ingest(opened, series(local(DAY, "20:32:00"), 720, 50))  # LAeq under from 20:42
        ingest(opened, series(local(DAY, "20:44:00"), 20, 75))  # the LAeq over again
        # The burst leaves the window at 20:54:20; closes five minutes later, at 20:59:20.
        ingest(opened, series(local(DAY, "20:44:20"), 890, 50))  # to 20:59:10
        assert events(opened)[0].closed_at is None
        ingest(opened, series(local(DAY, "20:59:10"), 20, 50))
        assert events(opened)[0].closed_at == local(DAY, "20:44:20")

    def test_a_new_event_opens_after_one_closed(self, opened):
        ingest(opened, series(local(DAY, "20:32:00"), 1200, 50))  # closes at 20:47
        ingest(opened, series(local(DAY, "20:52:00"), 70, 75))
        first, second = events(opened)
        assert first.closed_at is not None and second.closed_at is None
        assert second.opened_at == local(DAY, "20:52:00")


class TestDayNightBoundaries:
    def test_at_22_00_the_night_limit_applies(self, noise):
        # 50 dB(A) is under the day limit of class 1 (55) and over the night one (45).
        ingest(noise, series(local(DAY, "21:58:00"), 120, 50))
        assert events(noise) == []
        ingest(noise, series(local(DAY, "22:00:00"), 70, 50))
        [event] = events(noise)
        assert event.opened_at == local(DAY, "22:00:00")
        assert (event.period, event.limit) == ("night", 45)

    def test_at_06_00_the_day_limit_applies(self, noise):
        ingest(noise, series(local(DAY, "05:50:00"), 600, 50))  # over the night limit
        [event] = events(noise)
        assert event.period == "night"
        ingest(noise, series(local(DAY, "06:00:00"), 310, 50))  # now under the day limit
        [event] = events(noise)
        assert event.closed_at == local(DAY, "06:00:00")

    def test_before_06_00_it_is_still_night(self, noise):
        ingest(noise, series(local(DAY, "05:58:50"), 70, 50))
        [event] = events(noise)
        assert event.opened_at == local(DAY, "05:58:50") and event.period == "night"


class TestBatches:
    def test_a_re_sent_batch_adds_nothing_and_acts_once(self, noise):
        readings = series(local(DAY, "20:30:00"), 120, 72)
        first = ingest(noise, readings)
        notified = Notification.objects.count()
        again = ingest(noise, readings)
        assert NoiseReading.objects.filter(sensor=noise.sensor).count() == 12
        assert len(events(noise)) == 1
        assert (first.processed, again.processed) == (12, 0)
        assert again.opened == [] and again.play_warning is True
        assert Notification.objects.count() == notified

    def test_a_late_batch_is_judged_by_itself_as_a_closed_event(self, noise):
        ingest(noise, series(local(DAY, "20:40:00"), 30, 50))
        result = ingest(noise, series(local(DAY, "20:30:00"), 120, 80))
        assert result.processed == 0
        assert NoiseReading.objects.filter(sensor=noise.sensor).count() == 15
        [event] = events(noise)
        # Closed where its last loud reading ended (held at most a minute, to 20:32:50).
        assert event.opened_at == local(DAY, "20:30:00")
        assert event.closed_at == local(DAY, "20:32:50")
        assert (event.limit, event.period, event.peak) == (55, "day", Decimal("80.0"))
        again = ingest(noise, series(local(DAY, "20:30:00"), 120, 80))  # re-sent: nothing new
        assert again.opened == [] and len(events(noise)) == 1

    @pytest.mark.parametrize("level", ["19.9", "140.1", "-5", "abc"])
    def test_a_bad_level_rejects_the_whole_batch(self, noise, level):
        readings = series(local(DAY, "20:30:00"), 120, 72)
        readings[5]["db_a"] = level
        with pytest.raises(DomainError) as error:
            ingest(noise, readings)
        assert error.value.code == "invalid"
        assert not NoiseReading.objects.exists() and not NoiseEvent.objects.exists()
        noise.sensor.refresh_from_db()
        assert noise.sensor.last_reading_at is None

    def test_the_extremes_of_the_range_are_accepted(self, noise):
        ingest(noise, [{"at": local(DAY, "20:30:00"), "db_a": 20}])
        ingest(noise, [{"at": local(DAY, "20:30:10"), "db_a": 140}])
        assert NoiseReading.objects.count() == 2

    def test_a_naive_or_future_time_is_refused(self, noise):
        with pytest.raises(DomainError):
            ingest(noise, [{"at": local(DAY, "20:30:00").replace(tzinfo=None), "db_a": 60}])
        with pytest.raises(DomainError):
            ingest(noise, [{"at": timezone.now() + timedelta(hours=1), "db_a": 60}])
        with pytest.raises(DomainError):
            ingest(noise, [])
        assert not NoiseReading.objects.exists()


class TestNotifications:
    def test_opening_notifies_the_contacts_in_app_and_externally(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 70, 72))
        sent = Notification.objects.order_by("recipient_id")
        assert {n.recipient for n in sent} == {noise.manager, noise.officer}
        assert all(n.external for n in sent)
        assert all(noise.sensor.name in n.title for n in sent)

    def test_holding_and_closing_notify_nobody_again(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 70, 72))
        ingest(noise, series(local(DAY, "20:31:10"), 1200, 50))
        assert Notification.objects.count() == 2
        assert events(noise)[0].closed_at is not None


class TestToIncident:
    @pytest.fixture
    def event(self, noise):
        """Eleven minutes of the dance: past the default 10 minutes, so it qualifies."""
        ingest(noise, series(local(DAY, "20:30:00"), 660, 72))
        return events(noise)[0]

    def test_it_opens_a_sensor_incident_at_the_sensor_linked_to_the_event(self, noise, event):
        incident = noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        event.refresh_from_db()
        assert event.incident == incident
        assert incident.source == "sensor"
        assert incident.category == noise.noise_category
        assert incident.station == noise.org.xipeng
        assert incident.community == noise.org.yingxin
        assert (incident.latitude, incident.longitude) == (
            noise.sensor.latitude,
            noise.sensor.longitude,
        )
        assert "72.0" in incident.description

    def test_converting_twice_is_a_conflict(self, noise, event):
        noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        with pytest.raises(Conflict):
            noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        assert Incident.objects.count() == 1

    def test_without_a_noise_category_the_incident_has_none(self, noise, event):
        noise.noise_category.name = "其他"
        noise.noise_category.save()
        incident = noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        assert incident.category is None

    def test_another_station_cannot_convert_it(self, noise, event):
        with pytest.raises(OutOfScope):
            noise_event_to_incident(event=event, by=noise.org.user("shuangfeng_desk"))
        assert not Incident.objects.exists()


def test_a_revoked_sensor_keeps_its_history(noise):
    ingest(noise, series(local(DAY, "20:30:00"), 20, 60))
    sensor_revoke_key(sensor=noise.sensor, by=noise.org.user("xipeng_leader"))
    assert NoiseReading.objects.filter(sensor=noise.sensor).count() == 2


def earlier_event(scene, days_before: float, of=DAY, clock="20:30:00"):
    """A closed 2-minute event of the scene's sensor, `days_before` the given local time."""
    return closed_event(scene.sensor, local(of, clock) - timedelta(days=days_before), minutes=2)


class TestWhenAnEventMayBecomeAnIncident:
    """Issue 8, item 11: when it lasts beyond the bureau's minutes, or repeats at the same
    sensor in a week (the Nth event within 7 days); otherwise a 409 that says why."""

    def test_a_short_first_event_is_refused_with_what_it_lacks(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 180, 72))  # over the limit for 3 minutes
        [event] = events(noise)
        with override("en"), pytest.raises(Conflict) as refused:
            noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        assert refused.value.code == "not_qualified" and refused.value.status == 409
        message = refused.value.message
        assert "lasted 2 of the 10 minutes" in message
        assert "event no. 1 within 7 days, where no. 3 would qualify" in message
        assert not Incident.objects.exists()

    def test_the_bureaus_minutes_are_reached_on_the_sensors_clock(self, noise):
        NoiseSettings.objects.create(bureau=noise.org.jiulongpo, incident_after_minutes=5)
        ingest(noise, series(local(DAY, "20:30:00"), 300, 72))  # readings up to 20:34:50
        [event] = events(noise)
        assert incident_grounds(event, noise_settings(noise.org.jiulongpo.pk)) == []
        ingest(noise, series(local(DAY, "20:35:00"), 10, 72))  # 20:35:00: five minutes on
        event.refresh_from_db()
        assert incident_grounds(event, noise_settings(noise.org.jiulongpo.pk)) == [DURATION]
        incident = noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))
        assert incident.source == "sensor"

    def test_the_third_event_at_the_sensor_within_7_days_qualifies_however_short(self, noise):
        earlier_event(noise, 6.9)
        ingest(noise, series(local(DAY, "20:30:00"), 90, 72))
        [_earlier, second] = events(noise)
        assert repeats_in_week(second) == 1
        with pytest.raises(Conflict):
            noise_event_to_incident(event=second, by=noise.org.user("xipeng_desk"))
        ingest(noise, series(local(DAY, "20:32:00"), 1200, 40))  # quiet: it closes
        ingest(noise, series(local(DAY, "21:00:00"), 90, 72))
        third = events(noise)[-1]
        assert repeats_in_week(third) == 2
        assert incident_grounds(third, noise_settings(noise.org.jiulongpo.pk)) == [REPEAT]
        incident = noise_event_to_incident(event=third, by=noise.org.user("xipeng_desk"))
        assert third.pk == NoiseEvent.objects.get(incident=incident).pk

    def test_the_week_is_seven_days_back_from_the_event(self, noise):
        earlier_event(noise, 7)  # exactly a week before: counts
        earlier_event(noise, 7.001)  # just before that: does not
        ingest(noise, series(local(DAY, "20:30:00"), 90, 72))
        assert repeats_in_week(events(noise)[-1]) == 1

    def test_without_a_repeat_threshold_repeats_never_qualify(self, noise):
        NoiseSettings.objects.create(bureau=noise.org.jiulongpo, repeat_threshold=None)
        for days in (1, 2, 3, 4):
            earlier_event(noise, days)
        ingest(noise, series(local(DAY, "20:30:00"), 90, 72))
        event = events(noise)[-1]
        with override("en"), pytest.raises(Conflict, match="lasted 1 of the 10 minutes it takes"):
            noise_event_to_incident(event=event, by=noise.org.user("xipeng_desk"))


class TestAutomaticIncident:
    @pytest.fixture
    def automatic(self, noise):
        NoiseSettings.objects.create(
            bureau=noise.org.jiulongpo, incident_after_minutes=10, auto_incident_on_duration=True
        )
        return noise

    def test_an_event_open_for_the_set_minutes_becomes_an_incident(self, automatic):
        ingest(automatic, series(local(DAY, "20:30:00"), 600, 72))  # until 20:39:50
        assert not Incident.objects.exists()
        ingest(automatic, series(local(DAY, "20:40:00"), 60, 72))
        [event] = events(automatic)
        incident = Incident.objects.get()
        assert event.incident == incident and incident.source == "sensor"
        assert incident.received_by == automatic.officer  # the contact who may take it
        ingest(automatic, series(local(DAY, "20:41:00"), 60, 72))
        assert Incident.objects.count() == 1

    def test_it_is_off_by_default(self, noise):
        for days in (1, 2, 3):
            earlier_event(noise, days)
        ingest(noise, series(local(DAY, "20:30:00"), 1800, 72))  # long, and the 4th this week
        assert not Incident.objects.exists() and events(noise)[-1].incident is None

    def test_an_event_that_lasted_long_and_closed_within_one_batch_is_converted(self, automatic):
        readings = series(local(DAY, "20:30:00"), 720, 72) + series(local(DAY, "20:42:00"), 960, 40)
        ingest(automatic, readings)  # a sensor back online with its buffer
        [event] = events(automatic)
        assert event.closed_at is not None and event.incident is not None

    def test_the_nth_event_of_the_week_becomes_an_incident_as_it_opens(self, noise):
        NoiseSettings.objects.create(
            bureau=noise.org.jiulongpo, repeat_threshold=2, auto_incident_on_repeat=True
        )
        ingest(noise, series(local(DAY, "20:30:00"), 90, 72))
        assert not Incident.objects.exists()  # the first this week
        ingest(noise, series(local(DAY, "20:32:00"), 1200, 40))
        ingest(noise, series(local("2026-06-02", "20:30:00"), 70, 72))
        first, second = events(noise)
        assert first.incident is None and second.incident == Incident.objects.get()
        assert second.closed_at is None  # converted at once, while it is still loud

    def test_without_a_contact_who_may_take_incidents_the_batch_still_counts(self, automatic):
        automatic.sensor.contacts.set([automatic.manager])  # a citizen, no station
        ingest(automatic, series(local(DAY, "20:30:00"), 900, 72))
        assert not Incident.objects.exists()
        assert NoiseReading.objects.count() == 90 and events(automatic)[0].closed_at is None


class TestLimits:
    def test_an_admin_edited_limit_is_the_one_applied(self, noise):
        NoiseLimit.objects.update_or_create(
            zone_class="1", defaults={"day_limit": 75, "night_limit": 45}
        )
        ingest(noise, series(local(DAY, "20:30:00"), 120, 72))
        assert events(noise) == []

    def test_without_rows_the_standard_applies(self, noise):
        NoiseLimit.objects.all().delete()
        ingest(noise, series(local(DAY, "20:30:00"), 120, 72))
        [event] = events(noise)
        assert event.limit == 55

    def test_the_data_migration_seeds_the_standard_table(self, db):
        # Called directly: a transactional test elsewhere may have flushed its rows.
        migration = import_module("apps.noise.migrations.0002_seed_limits")
        NoiseLimit.objects.all().delete()
        migration.seed(django_apps, None)
        migration.seed(django_apps, None)  # idempotent
        table = {
            row.zone_class: (row.day_limit, row.night_limit) for row in NoiseLimit.objects.all()
        }
        assert table == STANDARD_LIMITS
        assert table["1"] == (55, 45) and table["4b"] == (70, 60)


def test_the_migration_keeps_a_bureaus_automatic_minutes_automatic(org):
    # Before 0003 a bureau's "automatically after N minutes" was the only rule; its N stays
    # and stays automatic (the current models stand in for the historical ones).
    migration = import_module("apps.noise.migrations.0003_incident_rules")
    kept = NoiseSettings.objects.create(bureau=org.jiulongpo, incident_after_minutes=15)
    migration.carry_over(django_apps, None)
    kept.refresh_from_db()
    assert kept.incident_after_minutes == 15 and kept.auto_incident_on_duration
    assert not kept.auto_incident_on_repeat
