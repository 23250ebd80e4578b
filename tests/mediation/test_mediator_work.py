"""The mediator's own work: the home page's list (disputes to act on, planned sessions,
follow-up visits due, judicial-confirmation windows), planning the next session, and the
invitations to the parties (QR code, copy, text message) that name the mediator, never the
login."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.testing.personas import MEDIATOR, SHUANGFENG_DESK, XIPENG_DESK
from apps.mediation import services
from apps.mediation.models import (
    Agreement,
    PartyInvitation,
    ThreadMessage,
    confirmation_deadline,
)
from apps.mediation.selectors import mediator_work
from tests.mediation.helpers import consent_all, sign_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXTS = []


class RecordingSender:
    """The SMS gateway's stand-in."""

    def send(self, *, phone, title, body):
        TEXTS.append({"phone": phone, "title": title, "body": body})


@pytest.fixture
def texts(settings):
    """What the sender carried."""
    settings.NOTIFICATION_SENDER = "tests.mediation.test_mediator_work.RecordingSender"
    TEXTS.clear()
    return TEXTS


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for its commit (the outbox) at its
    end, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def desk(scene):
    return scene.org.user(XIPENG_DESK)


@pytest.fixture
def mediator(scene):
    return scene.org.user(MEDIATOR)


@pytest.fixture
def assigned(scene, make_dispute, desk):
    def make(mediator=None, **kwargs):
        dispute = make_dispute(**kwargs)
        services.dispute_assess(dispute=dispute, by=desk, risk_level="low")
        services.dispute_assign(dispute=dispute, mediator=mediator or scene.mediator, by=desk)
        consent_all(dispute, desk)
        return dispute

    return make


def settle(dispute, by):
    services.session_record(
        dispute=dispute, by=by, held_at=timezone.now(), attendees="双方", place="调解室"
    )
    agreement = services.agreement_make(dispute=dispute, by=by, terms="赔偿500元")
    return sign_all(agreement, by)


def in_days(days, hour=9, minute=30):
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


# --- the window of judicial confirmation ---------------------------------------------------


def test_the_confirmation_window_counts_30_days_from_the_day_after_the_agreement():
    # 23:30 in Shanghai is 15:30 UTC: the day that counts is Shanghai's, 1 May.
    late = datetime(2026, 5, 1, 23, 30, tzinfo=SHANGHAI)
    assert confirmation_deadline(late) == datetime(2026, 5, 31).date()


def test_an_application_after_the_window_is_refused(scene, assigned, mediator):
    dispute = assigned()
    agreement = settle(dispute, mediator)
    deadline = agreement.confirmation_deadline
    # Asked on the day after the window closed (an application date cannot be in the future).
    with freeze_time(datetime.combine(deadline + timedelta(days=1), datetime.min.time())):
        with pytest.raises(DomainError) as refused:
            services.agreement_confirmation(
                agreement=agreement, by=mediator, status="applied", on=deadline + timedelta(days=1)
            )
        assert refused.value.code == "window_closed"
        services.agreement_confirmation(
            agreement=agreement, by=mediator, status="applied", on=deadline
        )


# --- planning the next session -------------------------------------------------------------


def test_the_mediator_plans_the_next_session_and_recording_it_clears_the_plan(assigned, mediator):
    dispute = assigned()
    services.session_schedule(dispute=dispute, by=mediator, at=in_days(1), place="调解室")
    dispute.refresh_from_db()
    assert timezone.localtime(dispute.next_session_at) == in_days(1)
    assert services.next_session_text(dispute) == f"{in_days(1):%Y-%m-%d} 09:30 · 调解室"
    # A session recorded for an earlier day leaves the plan standing.
    services.session_record(
        dispute=dispute, by=mediator, held_at=timezone.now(), attendees="张三", place="电话"
    )
    dispute.refresh_from_db()
    assert dispute.next_session_at is not None
    with freeze_time(in_days(1, 11)):
        services.session_record(
            dispute=dispute, by=mediator, held_at=timezone.now(), attendees="双方", place="调解室"
        )
    dispute.refresh_from_db()
    assert dispute.next_session_at is None and dispute.next_session_place == ""


def test_an_agreement_ends_the_plan(assigned, mediator):
    dispute = assigned()
    services.session_schedule(dispute=dispute, by=mediator, at=in_days(3), place="调解室")
    settle(dispute, mediator)
    dispute.refresh_from_db()
    assert dispute.status == "agreement" and dispute.next_session_at is None
    assert mediator_work(mediator).sessions == []


def test_an_online_session_has_no_place(assigned, mediator):
    dispute = assigned()
    services.session_schedule(
        dispute=dispute, by=mediator, at=in_days(2), mode="online", place="ignored"
    )
    dispute.refresh_from_db()
    assert dispute.next_session_place == ""
    assert services.next_session_text(dispute).endswith("· 网上调解")


@pytest.mark.parametrize(
    "when, place, message",
    [
        (-1, "调解室", "请安排在当前时间之后。"),
        (200, "调解室", "请安排在六个月以内。"),
        (1, " ", "请填写调解地点。"),
    ],
)
def test_a_plan_in_the_past_too_far_or_without_a_place_is_refused(
    assigned, mediator, when, place, message
):
    dispute = assigned()
    with pytest.raises(DomainError) as refused:
        services.session_schedule(dispute=dispute, by=mediator, at=in_days(when), place=place)
    assert refused.value.message == message
    dispute.refresh_from_db()
    assert dispute.next_session_at is None


def test_a_dispute_not_yet_assigned_gets_no_plan(make_dispute, desk):
    with pytest.raises(Conflict):
        services.session_schedule(dispute=make_dispute(), by=desk, at=in_days(1), place="室")


# --- invitations ----------------------------------------------------------------------------


def test_an_invitation_is_texted_with_the_mediators_name_and_a_working_link(
    scene, assigned, mediator, texts, committed
):
    dispute = assigned()
    services.session_schedule(dispute=dispute, by=mediator, at=in_days(1), place="西彭调解室")
    party = dispute.parties.get(name="张三")
    with committed():
        invitation = services.invitation_sms(
            party=party, by=mediator, site_url="https://jingwu.example.cn/"
        )
    [text] = texts
    assert text["phone"] == "13983001234"
    assert "调解员王调解" in text["title"] and dispute.number in text["title"]
    assert MEDIATOR not in text["title"] + text["body"]
    assert "西彭调解室" in text["body"] and "7日内有效" in text["body"]
    link = re.search(r"https://jingwu\.example\.cn(/mediation/join/\S+/)", text["body"]).group(1)
    page = Client().get(link)
    assert page.status_code == 200 and page.context["party"] == party
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert dispute.events.filter(text__contains="已短信邀请张三（139****1234）").exists()


def test_a_second_text_within_a_minute_is_refused(assigned, mediator, texts, committed):
    party = assigned().parties.first()
    with committed():
        services.invitation_sms(party=party, by=mediator, site_url="http://testserver/")
    with committed(), pytest.raises(Conflict):
        services.invitation_sms(party=party, by=mediator, site_url="http://testserver/")
    with committed(), freeze_time(timezone.now() + timedelta(minutes=2)):
        services.invitation_sms(party=party, by=mediator, site_url="http://testserver/")
    assert len(texts) == 2 and PartyInvitation.objects.count() == 2


def test_a_party_without_a_mobile_number_cannot_be_texted(
    assigned, mediator, desk, texts, committed
):
    dispute = assigned()
    party = services.dispute_party_add(
        dispute=dispute, by=desk, role="other", name="赵六", phone="023-68000000"
    )
    with committed(), pytest.raises(DomainError) as refused:
        services.invitation_sms(party=party, by=mediator, site_url="http://testserver/")
    assert refused.value.message == "赵六没有可接收短信的手机号码。"
    assert not texts and not PartyInvitation.objects.exists()


def test_a_mediator_cannot_text_the_parties_of_someone_elses_dispute(
    scene, assigned, mediator, texts
):
    dispute = assigned(mediator=scene.other_mediator)
    with pytest.raises(OutOfScope):
        services.invitation_sms(
            party=dispute.parties.first(), by=mediator, site_url="http://testserver/"
        )
    assert not texts


def test_the_dispute_page_shows_each_partys_qr_code_copy_button_and_text_button(
    client, assigned, mediator
):
    dispute = assigned()
    client.force_login(mediator)
    body = client.get(dispute.get_absolute_url()).content.decode()
    assert body.count("<svg") == 2
    assert body.count('data-copy="#invitation-link-') == 2
    assert body.count(f'action="/mediation/{dispute.pk}/invite/"') == 2
    assert "js/copy.js" in body and "邀请当事人，组织首次调解" in body


def test_texting_from_the_dispute_page_says_so(client, assigned, mediator, texts, committed):
    dispute = assigned()
    party = dispute.parties.get(name="李四")
    client.force_login(mediator)
    url = reverse("mediation:dispute_action", args=[dispute.pk, "invite"])
    with committed():
        response = client.post(url, {"party": party.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "已向李四（139****5678）发送邀请短信。"
    ]
    assert [t["phone"] for t in texts] == ["13983005678"]
    assert "http://testserver/mediation/join/" in texts[0]["body"]
    assert "已于" in response.content.decode()  # the party's row says when


def test_texting_a_party_of_another_dispute_is_not_found(client, assigned, mediator, texts):
    dispute, other = assigned(), assigned()
    client.force_login(mediator)
    url = reverse("mediation:dispute_action", args=[dispute.pk, "invite"])
    assert client.post(url, {"party": other.parties.first().pk}).status_code == 404
    assert not texts


def test_the_party_sees_the_mediators_name_never_the_login(client, scene, assigned, mediator):
    dispute = assigned()
    services.thread_post(dispute=dispute, by=mediator, text="请周四上午来调解室")
    token = services.invitation_token(party=dispute.parties.first(), by=mediator)
    url = reverse("mediation:join", args=[dispute.pk, token])
    page = Client().get(url).content.decode()
    assert "王调解" in page and "王调解 调解员" in page
    assert MEDIATOR not in page
    fragment = Client().get(url + "thread/").content.decode()
    assert "王调解 调解员" in fragment and MEDIATOR not in fragment
    # Other staff by their full name, and never by login either.
    desk = scene.org.user(XIPENG_DESK)
    desk.last_name, desk.first_name = "陈", "晓东"
    desk.save()
    services.thread_post(dispute=dispute, by=desk, text="已收到")
    fragment = Client().get(url + "thread/").content.decode()
    assert "陈晓东" in fragment and XIPENG_DESK not in fragment
    assert ThreadMessage.objects.count() == 2


# --- the mediator's home -------------------------------------------------------------------


def test_the_home_lists_the_mediators_own_work_and_nothing_else(
    client, scene, assigned, make_dispute, mediator, desk
):
    waiting = assigned()
    services.session_schedule(dispute=waiting, by=mediator, at=in_days(2), place="调解室")
    settled = assigned()
    agreement = settle(settled, mediator)
    assigned(mediator=scene.other_mediator)  # someone else's
    make_dispute()  # not assigned yet
    client.force_login(mediator)
    response = client.get("/")
    work = response.context["mediator_work"]
    assert [d.pk for d in work.disputes] == [waiting.pk]
    assert str(work.disputes[0].next_step) == "邀请当事人，组织首次调解"
    assert [(s.dispute, s.where) for s in work.sessions] == [(waiting, "调解室")]
    assert [a.pk for a in work.windows] == [agreement.pk]
    assert work.windows[0].days_left == 30
    assert "station_overview" not in response.context
    body = response.content.decode()
    assert "我的调解工作" in body and waiting.number in body and "剩 30 天" in body


def test_follow_ups_due_within_the_week_and_closing_windows_are_marked(client, assigned, mediator):
    dispute = assigned()
    with freeze_time(timezone.now() - timedelta(days=25)):
        settle(dispute, mediator)  # the follow-up was due 10 days ago
    work = mediator_work(mediator)
    [follow_up] = work.follow_ups
    assert follow_up.is_overdue
    [window] = work.windows
    assert window.days_left == 5 and window.closing
    # Applied for, or past the deadline: no longer a window to watch.
    with freeze_time(timezone.now() + timedelta(days=6)):
        assert mediator_work(mediator).windows == []
    services.agreement_confirmation(
        agreement=Agreement.objects.get(), by=mediator, status="applied"
    )
    assert mediator_work(mediator).windows == []


def test_a_desk_officer_has_no_mediator_section(client, desk, assigned):
    assigned()
    client.force_login(desk)
    response = client.get("/")
    assert "mediator_work" not in response.context


def test_the_home_does_not_add_queries_per_dispute(
    client, assigned, mediator, django_assert_max_num_queries
):
    client.force_login(mediator)
    for _ in range(2):
        settle(assigned(), mediator)
        assigned()
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for _ in range(4):
        settle(assigned(), mediator)
        assigned()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert len(response.context["mediator_work"].disputes) == 6


def test_another_stations_desk_cannot_plan_or_text(scene, assigned, texts):
    dispute = assigned()
    other = scene.org.user(SHUANGFENG_DESK)
    with pytest.raises(OutOfScope):
        services.session_schedule(dispute=dispute, by=other, at=in_days(1), place="室")
    with pytest.raises(OutOfScope):
        services.invitation_sms(
            party=dispute.parties.first(), by=other, site_url="http://testserver/"
        )
