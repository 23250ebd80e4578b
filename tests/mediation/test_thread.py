"""Online mediation: parties join the dispute's thread by a signed, expiring link without
an account; a bad, old or foreign link is refused and changes nothing."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from apps.core.models import Notification
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.mediation import services
from apps.mediation.models import ThreadMessage
from tests.mediation.helpers import consent_all


@pytest.fixture
def assigned(scene, make_dispute):
    dispute = make_dispute()
    desk = scene.org.user(XIPENG_DESK)
    services.dispute_assess(dispute=dispute, by=desk, risk_level="low")
    services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=desk)
    consent_all(dispute, desk)
    return dispute


def link(scene, dispute, party=None):
    party = party or dispute.parties.first()
    token = services.invitation_token(party=party, by=scene.org.user(MEDIATOR))
    return reverse("mediation:join", args=[dispute.pk, token])


def a_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_party_joins_by_the_link_and_posts_with_a_photo(scene, assigned):
    Notification.objects.all().delete()
    party = Client()
    url = link(scene, assigned)
    assert party.get(url).status_code == 200
    photo = SimpleUploadedFile("漏水.png", a_png())
    response = party.post(url, {"text": "楼上还在漏水", "file": photo})
    assert response.status_code == 302
    message = ThreadMessage.objects.get()
    assert message.party == assigned.parties.first() and message.author is None
    assert message.content_type == "image/png"
    assert Notification.objects.get().recipient == scene.org.user(MEDIATOR)
    fragment = party.get(url + "thread/")
    assert "楼上还在漏水" in fragment.content.decode()
    assert party.get(url + f"files/{message.pk}/").status_code == 200


def test_the_mediator_answers_in_the_thread_from_the_dispute_page(client, scene, assigned):
    client.force_login(scene.org.user(MEDIATOR))
    page = client.get(assigned.get_absolute_url())
    assert len(page.context["invitations"]) == 2
    client.post(
        reverse("mediation:dispute_action", args=[assigned.pk, "message"]), {"text": "周四上午调解"}
    )
    assert ThreadMessage.objects.get().author == scene.org.user(MEDIATOR)
    assert "周四上午调解" in Client().get(link(scene, assigned) + "thread/").content.decode()


def test_an_expired_link_is_refused(scene, assigned):
    with freeze_time(timezone.now() - timedelta(days=8)):
        url = link(scene, assigned)
    response = Client().get(url)
    assert response.status_code == 403 and response.context["message"]
    assert Client().post(url, {"text": "hi"}).status_code == 403
    assert not ThreadMessage.objects.exists()


def test_a_link_still_works_within_its_days(scene, assigned):
    with freeze_time(timezone.now() - timedelta(days=6)):
        url = link(scene, assigned)
    assert Client().get(url).status_code == 200


def test_a_tampered_link_is_refused(scene, assigned):
    token = link(scene, assigned).rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    tampered = reverse("mediation:join", args=[assigned.pk, forged])
    assert Client().post(tampered, {"text": "hi"}).status_code == 403
    assert not ThreadMessage.objects.exists()


def test_a_party_cannot_post_to_another_disputes_thread(scene, assigned, make_dispute):
    other = make_dispute()
    token = services.invitation_token(
        party=assigned.parties.first(), by=scene.org.user(XIPENG_DESK)
    )
    url = reverse("mediation:join", args=[other.pk, token])
    assert Client().post(url, {"text": "hi"}).status_code == 403
    assert not ThreadMessage.objects.exists()


def test_an_unchecked_file_is_refused_and_nothing_is_kept(scene, assigned):
    url = link(scene, assigned)
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image")
    response = Client().post(url, {"text": "看附件", "file": fake})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ThreadMessage.objects.exists()


def test_a_closed_dispute_admits_nobody(scene, assigned):
    url = link(scene, assigned)
    desk = scene.org.user(XIPENG_DESK)
    services.dispute_withdraw(dispute=assigned, by=desk)
    services.dispute_close(dispute=assigned, by=desk)
    assert Client().get(url).status_code == 403
