"""The law's own examples (GB 3096-2008 and 噪声污染防治法, issue 17 §3): the limits apply to
the equivalent continuous level LAeq over a period, energy-averaged and weighted by each
reading's duration, not to single samples; at night a maximum level more than 15 dB(A) over
the limit raises an event at once; day and night are the bureau's hours at each reading's
own local time, however late the reading arrives."""

import math
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.models import Notification
from apps.noise.models import NoiseEvent, NoiseSettings
from apps.noise.selectors import period_at
from apps.noise.services import readings_ingest

from .conftest import local, series

DAY, NEXT = "2026-06-01", "2026-06-02"


def ingest(scene, readings):
    return readings_ingest(sensor=scene.sensor, readings=readings)


def events(scene):
    return list(NoiseEvent.objects.filter(sensor=scene.sensor).order_by("opened_at"))


def alternating(start, minutes, step=10):
    """52 dB(A) for 50 s and 44 dB(A) for 10 s, over and over, a reading every `step` s."""
    return [
        {"at": start + timedelta(seconds=s), "db_a": 52 if s % 60 < 50 else 44}
        for s in range(0, minutes * 60, step)
    ]


def energy_mean(parts):
    """LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ)."""
    total = sum(seconds for seconds, _level in parts)
    return 10 * math.log10(sum(s * 10 ** (level / 10) for s, level in parts) / total)


class TestLaeq:
    def test_the_alternating_52_44_night_raises_an_event_at_laeq_51_3(self, noise):
        # Each sample alone: 52 is over the class-1 night limit of 45 and 44 is not, so a
        # per-sample rule restarted at every quiet sample and raised nothing.
        expected = energy_mean([(50, 52), (10, 44)])
        assert round(expected, 2) == 51.34
        result = ingest(noise, alternating(local(DAY, "23:00:00"), 30))
        [event] = events(noise)
        assert (event.period, event.limit, event.trigger) == ("night", 45, "laeq")
        assert event.laeq == Decimal("51.3") and event.excess == Decimal("6.3")
        assert event.peak == Decimal("52.0") and event.opened_at == local(DAY, "23:00:00")
        assert result.opened == [event]

    def test_each_reading_weighs_by_the_time_it_stands_for(self, noise):
        # One reading per step: 52 at :00 stands for 50 s, 44 at :50 for 10 s.
        readings = []
        for minute in range(30):
            start = local(DAY, "23:00:00") + timedelta(minutes=minute)
            readings += [
                {"at": start, "db_a": 52},
                {"at": start + timedelta(seconds=50), "db_a": 44},
            ]
        ingest(noise, readings)
        [event] = events(noise)
        assert event.laeq == Decimal("51.3")

    def test_under_the_limit_on_average_raises_nothing(self, noise):
        # 46 for 10 s and 40 for 50 s: the LAeq is 42.6, under the night limit of 45,
        # though every sixth sample is over it.
        readings = [
            {"at": local(DAY, "23:00:00") + timedelta(seconds=s), "db_a": 46 if s % 60 < 10 else 40}
            for s in range(0, 1800, 10)
        ]
        assert energy_mean([(10, 46), (50, 40)]) < 45
        ingest(noise, readings)
        assert events(noise) == []

    def test_the_window_is_the_bureaus(self, noise):
        # Ten quiet minutes, then one minute at 58 by day (limit 55): over a 10-minute
        # window the LAeq stays 48.4; over a 1-minute window it is 58.
        quiet = series(local(DAY, "20:20:00"), 600, 45)
        loud = series(local(DAY, "20:30:00"), 130, 58)
        ingest(noise, quiet + loud)
        assert events(noise) == []
        NoiseSettings.objects.create(bureau=noise.org.jiulongpo, laeq_window_minutes=1)
        ingest(
            noise, series(local(DAY, "20:40:00"), 600, 45) + series(local(DAY, "20:50:00"), 130, 58)
        )
        [event] = events(noise)
        assert event.opened_at == local(DAY, "20:50:00") and event.laeq == Decimal("58.0")


class TestNightMaximum:
    def test_a_50_second_burst_of_80_at_23_00_in_class_1_raises_an_event_at_once(self, noise):
        ingest(noise, series(local(DAY, "22:50:00"), 600, 40))  # a quiet night, limit 45
        result = ingest(noise, [{"at": local(DAY, "23:00:00"), "db_a": 80}])
        [event] = events(noise)
        assert result.opened == [event] and result.play_warning is True
        assert (event.trigger, event.period, event.limit) == ("lmax", "night", 45)
        assert event.opened_at == local(DAY, "23:00:00") and event.peak == Decimal("80.0")
        assert event.lmax_excess == Decimal("35.0")
        assert {n.recipient for n in Notification.objects.all()} == {noise.manager, noise.officer}
        # The rest of the burst and the quiet after it: the same event, which closes where
        # the burst ended once its LAeq has left the window and stayed under the limit.
        ingest(noise, series(local(DAY, "23:00:10"), 40, 80))
        ingest(noise, series(local(DAY, "23:00:50"), 1200, 40))
        [event] = events(noise)
        assert event.closed_at == local(DAY, "23:00:50")
        assert event.laeq > 60  # 50 s of 80 in ten minutes of 40: LAeq 69.2

    def test_15_db_over_is_allowed_more_is_not(self, noise):
        ingest(noise, series(local(DAY, "22:50:00"), 600, 40))
        ingest(noise, [{"at": local(DAY, "23:00:00"), "db_a": 60}])  # 45 + 15: allowed
        assert events(noise) == []
        ingest(noise, [{"at": local(DAY, "23:00:10"), "db_a": Decimal("60.1")}])
        [event] = events(noise)
        assert event.trigger == "lmax"

    def test_by_day_a_single_loud_reading_opens_nothing_at_once(self, noise):
        ingest(noise, series(local(DAY, "14:50:00"), 600, 40))
        result = ingest(noise, [{"at": local(DAY, "15:00:00"), "db_a": 80}])
        assert events(noise) == [] and result.opened == []


class TestOwnTime:
    def test_a_buffer_sent_the_next_morning_is_judged_by_the_night_it_was_measured(self, noise):
        ingest(noise, series(local(DAY, "21:00:00"), 60, 40))
        # The sensor was offline and sends its buffer at 09:00 the next day: 22:30–23:00.
        result = ingest(noise, alternating(local(DAY, "22:30:00"), 30))
        [event] = events(noise)
        assert (event.period, event.limit) == ("night", 45)
        assert event.opened_at == local(DAY, "22:30:00") and result.opened == [event]

    def test_a_buffer_older_than_live_readings_is_still_judged(self, noise):
        # Live readings of the morning came first; last night's buffer arrives after them.
        ingest(noise, series(local(NEXT, "08:00:00"), 120, 50))
        result = ingest(noise, alternating(local(DAY, "23:00:00"), 30))
        assert result.processed == 0
        [event] = events(noise)
        assert (event.period, event.limit, event.laeq) == ("night", 45, Decimal("51.3"))
        assert event.opened_at == local(DAY, "23:00:00") and event.closed_at is not None
        assert event.closed_at <= local(DAY, "23:30:00")

    def test_a_late_stretch_inside_an_event_adds_no_second_one(self, noise):
        ingest(noise, series(local(DAY, "20:30:00"), 120, 72))
        ingest(noise, series(local(DAY, "20:35:00"), 60, 72))
        [event] = events(noise)
        ingest(noise, series(local(DAY, "20:32:00"), 120, 72))  # the gap, filled late
        assert events(noise) == [event]


class TestBureauHours:
    @pytest.fixture
    def county_hours(self, noise):
        """The county government's hours: day 07:00–23:00."""
        return NoiseSettings.objects.create(
            bureau=noise.org.jiulongpo, day_starts=time(7), night_starts=time(23)
        )

    def test_periods_follow_the_bureaus_hours(self, county_hours):
        assert period_at(local(DAY, "22:30:00")) == "night"
        assert period_at(local(DAY, "22:30:00"), county_hours) == "day"
        assert period_at(local(DAY, "23:00:00"), county_hours) == "night"
        assert period_at(local(DAY, "06:30:00"), county_hours) == "night"
        assert period_at(local(DAY, "07:00:00"), county_hours) == "day"

    def test_22_30_is_day_under_the_county_hours(self, noise, county_hours):
        ingest(noise, series(local(DAY, "22:20:00"), 900, 50))  # under the day limit of 55
        assert events(noise) == []

    def test_06_30_is_night_under_the_county_hours(self, noise, county_hours):
        ingest(noise, series(local(DAY, "06:20:00"), 900, 50))  # over the night limit of 45
        [event] = events(noise)
        assert (event.period, event.limit) == ("night", 45)

    @pytest.mark.parametrize(
        "day_starts, night_starts", [(time(22), time(6)), (time(6), time(23)), (time(7), time(22))]
    )
    def test_night_starts_after_day_and_lasts_eight_hours(self, noise, day_starts, night_starts):
        settings = NoiseSettings(
            bureau=noise.org.jiulongpo, day_starts=day_starts, night_starts=night_starts
        )
        with pytest.raises(ValidationError):
            settings.full_clean()


class TestShown:
    @pytest.fixture
    def event(self, noise):
        ingest(noise, alternating(local(DAY, "23:00:00"), 30))
        ingest(noise, series(local(DAY, "23:30:00"), 1200, 40))
        [event] = events(noise)
        return event

    def test_the_api_gives_laeq_lmax_duration_and_excess(self, client, noise, event):
        client.force_login(noise.org.user("xipeng_desk"))
        [row] = client.get(reverse("noiseevent-list")).json()["results"]
        assert (row["laeq"], row["lmax"], row["limit"]) == ("51.3", "52.0", 45)
        assert (row["excess"], row["lmax_excess"], row["trigger"]) == ("6.3", "7.0", "laeq")
        assert row["duration_seconds"] == int((event.closed_at - event.opened_at).total_seconds())
        assert row["duration_seconds"] >= 29 * 60

    def test_the_page_gives_laeq_lmax_duration_and_excess(self, client, noise, event):
        client.force_login(noise.org.user("xipeng_desk"))
        page = client.get(event.get_absolute_url()).content.decode()
        assert "51.3 dB(A)" in page and "6.3 dB(A)" in page and "52.0 dB(A)" in page
        assert 'id="event-lasted">' in page

    def test_the_admin_lists_them(self, client, noise, event):
        client.force_login(noise.org.user("jlp_admin"))
        page = client.get(reverse("admin:noise_noiseevent_changelist")).content.decode()
        assert "51.3" in page and "6.3" in page
