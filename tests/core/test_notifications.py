import logging

import pytest
from django.db import transaction
from django.urls import reverse

from apps.core.models import Notification
from apps.core.notifications import notification_deliver, notify
from apps.core.testing.personas import CITIZEN, SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_DESK


def test_it_stores_one_message_per_recipient_even_when_named_twice(org):
    officer = org.user(XIPENG_COMMUNITY)
    notify(recipients=[officer, officer, None], title="新警情", url="/x/")
    assert Notification.objects.filter(recipient=officer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_sends_by_sms_only_after_commit_and_only_once(org, caplog):
    citizen = org.user(CITIZEN)
    citizen.phone = "13800001234"
    citizen.save()
    with caplog.at_level(logging.INFO, logger="apps.core.notifications"):
        with transaction.atomic():
            (note,) = notify(recipients=[citizen], title="申请已受理", external=True)
            assert "SMS" not in caplog.text  # nothing leaves before the commit
        assert "SMS to 138****1234" in caplog.text
        assert "申请已受理" not in caplog.text  # what it says stays out of the log
    note.refresh_from_db()
    assert note.sent_at is not None
    assert notification_deliver(notification_id=note.pk) is False  # a retry sends nothing


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(org, caplog):
    with (
        caplog.at_level(logging.INFO, logger="apps.core.notifications"),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[org.user(CITIZEN)], title="x", external=True)
        raise RuntimeError
    assert "SMS" not in caplog.text
    assert not Notification.objects.exists()


def test_the_message_centre_shows_only_ones_own_messages_and_marks_them_read(client, org):
    notify(recipients=[org.user(XIPENG_DESK)], title="给值班民警", url="/org/posts/")
    notify(recipients=[org.user(SHUANGFENG_DESK)], title="给双凤")
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("notification_list")).content.decode()
    assert "给值班民警" in page and "给双凤" not in page
    assert 'id="unread-count">1<' in page
    note = Notification.objects.get(title="给值班民警")
    response = client.post(reverse("notification_read"), {"id": note.pk})
    assert response.url == "/org/posts/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_it_never_redirects_to_another_site(client, org):
    (note,) = notify(recipients=[org.user(XIPENG_DESK)], title="x", url="//evil.example/")
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(reverse("notification_read"), {"id": note.pk})
    assert response.url == reverse("notification_list")


def test_the_api_lists_own_messages_and_another_users_is_404(client, org):
    (mine,) = notify(recipients=[org.user(CITIZEN)], title="我的")
    (theirs,) = notify(recipients=[org.user(XIPENG_DESK)], title="别人的")
    client.force_login(org.user(CITIZEN))
    rows = client.get(reverse("notification-list")).json()["results"]
    assert [row["title"] for row in rows] == ["我的"]
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification-read", args=[mine.pk])).json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_gets_401_from_the_api(client):
    assert client.get(reverse("notification-list")).status_code == 401
