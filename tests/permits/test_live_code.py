"""The live code of an electronic certificate or permit (issue 20, item 9): the page shows a
code that carries its signed moment and renews every minute; a code older than two minutes
(a screenshot, a photo) verifies as expired and shows nothing of the document, while the
printout's static code verifies the state and says it is a printout's."""

import io
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from apps.accounts.choices import UserKind
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK
from apps.permits import services, verify
from apps.permits.models import ResidenceCertificate

MOMENT = "2026-07-10 10:00:00"  # UTC: 18:00 in Chongqing


@pytest.fixture
def certificate(officer, registration) -> ResidenceCertificate:
    services.application_approve(application=registration, by=officer, documents_confirmed=True)
    return ResidenceCertificate.objects.get(application=registration)


def page_code(client, certificate) -> str:
    """The verification path the certificate's page shows now, as its QR code and link."""
    page = client.get(reverse("permits:certificate_detail", args=[certificate.pk]))
    assert page.status_code == 200
    link = re.search(r'href="http://testserver(/verify/[^"]+)" id="verify-link"', page.text)
    assert link, page.text
    assert page.context["verify_url"].endswith(link[1])  # the QR code encodes the same link
    return link[1]


@pytest.mark.django_db
def test_the_page_renews_its_code_every_minute_and_a_screenshot_expires_after_two(
    client, citizen, certificate, caplog
):
    client.force_login(citizen)
    with freeze_time(MOMENT) as clock:
        shown = page_code(client, certificate)
        assert (
            "生成于 18:00:00，每 60 秒更新"
            in client.get(
                reverse("permits:certificate_detail", args=[certificate.pk])
            ).content.decode()
        )
        clock.tick(timedelta(minutes=1))
        renewed = client.get(reverse("permits:certificate_code", args=[certificate.pk]))
        assert renewed.status_code == 200 and renewed["Cache-Control"] == "no-store"
        assert 'hx-trigger="every 60s"' in renewed.text
        new = re.search(r'href="http://testserver(/verify/[^"]+)"', renewed.text)[1]
        assert new != shown  # a new code, made a minute later
        assert "生成于 18:01:00" in renewed.text
        client.logout()

        # A minute later the screenshot of the first code still verifies, as a live code.
        fresh = client.get(shown)
        assert fresh.status_code == 200 and fresh.context["code"] == verify.LIVE
        body = fresh.content.decode()
        assert "核验通过" in body and certificate.number in body
        assert "电子证件实时码，生成于 18:00:00" in body

        # Past two minutes it is expired: said so, with its time, and nothing of the document.
        clock.tick(timedelta(seconds=61))
        expired = client.get(shown)
        assert expired.status_code == 410
        assert expired.context["failure"] == verify.EXPIRED
        body = expired.content.decode()
        assert "已过期" in body and "生成于 2026-07-10 18:00:00，已超过两分钟" in body
        assert "截图或照片" in body
        assert certificate.number not in body and "王" not in body
        assert "verification failed (expired)" in caplog.text
        # The renewed one, made a minute later, still verifies.
        assert client.get(new).status_code == 200


@pytest.mark.django_db
def test_the_printouts_static_code_verifies_the_state_and_says_it_is_a_printouts(
    client, citizen, certificate
):
    client.force_login(citizen)
    pdf = client.get(reverse("permits:certificate_pdf", args=[certificate.pk]))
    assert "打印件 · 扫码核验证件状态" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    client.logout()
    with freeze_time(timezone.now() + timedelta(days=400)):  # paper does not expire
        check = client.get(certificate.get_verify_url())
    assert check.status_code == 200 and check.context["code"] == verify.PRINTOUT
    body = check.content.decode()
    assert "核验通过" in body and "打印件上的二维码：只核验证件当前的状态" in body


@pytest.mark.django_db
def test_a_live_code_of_a_reissued_document_is_void_and_a_made_up_one_is_tampered(
    client, certificate
):
    live = verify.live_code(certificate).path
    ResidenceCertificate.objects.filter(pk=certificate.pk).update(verify_nonce="reissued")
    voided = client.get(live)
    assert voided.status_code == 404 and voided.context["failure"] == verify.VOIDED
    # Signed with the live salt but not a live code's shape (no moment, a moment as text).
    for payload in (["c", certificate.pk, "reissued"], ["c", certificate.pk, "reissued", "now"]):
        token = signing.dumps(payload, salt=verify.LIVE_SALT)
        made_up = client.get(reverse("permits:verify", args=[token]))
        assert made_up.status_code == 404 and made_up.context["failure"] == verify.TAMPERED


@pytest.mark.django_db
def test_the_live_code_is_for_the_holder_and_officers_in_scope_only(
    client, org, citizen, certificate
):
    url = reverse("permits:certificate_code", args=[certificate.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="13700000002", kind=UserKind.CITIZEN))
    assert client.get(url).status_code == 403  # as the page: nothing learnt by probing
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.get(url).status_code == 404
    client.force_login(org.user(XIPENG_DESK))
    assert client.get(url).status_code == 200
    client.force_login(citizen)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_api_gives_the_holder_a_live_code_that_verifies_for_two_minutes(
    client, org, citizen, certificate
):
    url = reverse("residencecertificate-live-code", args=[certificate.pk])
    assert client.get(url).status_code == 401
    client.force_login(UserFactory(username="13700000002", kind=UserKind.CITIZEN))
    assert client.get(url).status_code == 404
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    with freeze_time(MOMENT) as clock:
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
        code = answer.json()
        assert code["made_at"] == "2026-07-10T18:00:00+08:00"
        assert code["expires_at"] == "2026-07-10T18:02:00+08:00"
        assert code["refresh_seconds"] == 60
        assert code["verify_url"] != certificate.get_verify_url()  # not the printout's
        clock.tick(timedelta(seconds=120))
        assert client.get(code["verify_url"]).context["code"] == verify.LIVE
        clock.tick(timedelta(seconds=1))
        assert client.get(code["verify_url"]).status_code == 410
