"""Mediation as the law has it (issue 17 §1): voluntary (人民调解法 arts. 3, 17), the
agreement's contents and when it takes effect (arts. 28–29), the judicial-confirmation
window (art. 33), follow-up on the performance deadline (art. 31), and the three kinds of
mediation with their own documents."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image
from pypdf import PdfReader

from apps.cases.choices import Disposition
from apps.cases.services import incident_close, incident_report
from apps.core.errors import Conflict, DomainError
from apps.core.masking import mask_id_number
from apps.core.models import Notification
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.mediation import services
from apps.mediation.admin import CommitteeForm
from apps.mediation.choices import Consent, MediationKind
from apps.mediation.models import Dispute, MediationCommittee
from apps.mediation.pdf import agreement_pdf
from apps.mediation.services import intake
from tests.mediation.helpers import consent_all, sign_all

# A valid ID number (GB 11643: 500107 region, born 1980-05-12, odd sequence → male).
ID_NUMBER = "500107198005120015"


def desk(scene):
    return scene.org.user(XIPENG_DESK)


def assigned(scene, dispute, mediator=None):
    by = desk(scene)
    services.dispute_assess(dispute=dispute, by=by, risk_level="low")
    services.dispute_assign(dispute=dispute, mediator=mediator or scene.mediator, by=by)
    dispute.refresh_from_db()
    return dispute


def in_mediation(scene, dispute, mediator=None):
    dispute = assigned(scene, dispute, mediator)
    consent_all(dispute, desk(scene))
    services.session_record(
        dispute=dispute, by=desk(scene), held_at=timezone.now(), attendees="双方", place="调解室"
    )
    dispute.refresh_from_db()
    return dispute


def pdf_text(agreement) -> str:
    reader = PdfReader(io.BytesIO(agreement_pdf(agreement)))
    return "".join(page.extract_text() for page in reader.pages)


# --- voluntary: consent before mediation ----------------------------------------------------


def test_no_session_or_agreement_before_every_party_has_consented(make_dispute, scene):
    dispute = assigned(scene, make_dispute())
    first, second = dispute.parties.all()
    services.party_consent(party=first, by=desk(scene), consent=Consent.GIVEN)
    with pytest.raises(Conflict) as refused:
        services.session_record(
            dispute=dispute, by=desk(scene), held_at=timezone.now(), attendees="x", mode="online"
        )
    assert refused.value.code == "consent_missing" and "李四" in refused.value.message
    assert not dispute.sessions.exists()
    services.party_consent(party=second, by=desk(scene), consent=Consent.GIVEN)
    services.session_record(
        dispute=dispute, by=desk(scene), held_at=timezone.now(), attendees="x", mode="online"
    )
    first.refresh_from_db()
    assert first.consent == "given" and first.consent_at is not None


def test_a_party_added_during_mediation_is_asked_before_the_agreement(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    services.dispute_party_add(dispute=dispute, by=desk(scene), role="other", name="王五")
    with pytest.raises(Conflict) as refused:
        services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿")
    assert refused.value.code == "consent_missing"
    assert not dispute.agreements.exists()


def test_a_refusal_ends_mediation_with_a_referral_outside_the_resolution_rate(make_dispute, scene):
    dispute = make_dispute()
    party = dispute.parties.first()
    with pytest.raises(DomainError):
        services.party_consent(party=party, by=desk(scene), consent=Consent.REFUSED)
    services.party_consent(
        party=party, by=desk(scene), consent=Consent.REFUSED, referral="court", note="不愿调解"
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.referral) == ("failed", "refused", "court")
    assert dispute.events.filter(text__contains="court").exists() is False  # labels, not codes
    from apps.mediation.selectors import dispute_counts

    counts = dispute_counts(desk(scene))
    assert counts["concluded"] == 0 and counts["resolved"] == 0


def test_a_diverted_incident_carries_the_callers_consent(scene):
    by = desk(scene)
    incident, _created = incident_report(
        by=by,
        source="phone",
        station=scene.org.xipeng,
        place_text="迎新村3组",
        caller_name="张三",
        caller_phone="13983001234",
        description="邻居噪音纠纷",
    )
    incident_close(
        incident=incident, disposition=Disposition.MEDIATION, by=by, caller_consents=True
    )
    party = Dispute.objects.get(incident=incident).parties.get()
    assert party.consent == "given" and party.consent_at is not None


# --- the agreement: contents and effect -------------------------------------------------------


def test_the_party_details_come_from_the_id_number_and_are_masked_on_the_page(
    client, make_dispute, scene
):
    dispute = make_dispute(parties=[])
    party = services.dispute_party_add(
        dispute=dispute,
        by=desk(scene),
        role="applicant",
        name="张三",
        id_number=ID_NUMBER.lower(),
        ethnicity="汉族",
        address="西彭镇迎新村3组",
    )
    with freeze_time("2026-05-11 10:00:00+08:00"):
        age = intake._age(date(1980, 5, 12), timezone.localdate())
    assert (party.gender, party.ethnicity, party.id_number) == ("male", "汉族", ID_NUMBER)
    assert age == 45 and party.age is not None
    with pytest.raises(DomainError):
        services.dispute_party_add(
            dispute=dispute, by=desk(scene), role="respondent", name="李四", id_number="5001"
        )
    client.force_login(desk(scene))
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert ID_NUMBER not in page and mask_id_number(ID_NUMBER) in page


def test_it_takes_effect_with_the_last_signature_mediator_and_seal(make_dispute, scene):
    by = desk(scene)
    with freeze_time("2026-05-01 10:00:00+08:00"):
        dispute = in_mediation(scene, make_dispute())
        first, second = dispute.parties.all()
        agreement = services.agreement_make(
            dispute=dispute, by=by, terms="赔偿", signed_parties=[first.pk, second.pk]
        )
    assert agreement.effective_at is None
    assert services.missing_signatures(agreement) == ["调解员签名", "调解委员会印章"]
    with freeze_time("2026-05-02 09:00:00+08:00"):
        services.agreement_mediator_sign(agreement=agreement, by=by)
    agreement.refresh_from_db()
    assert agreement.effective_at is None
    with freeze_time("2026-05-03 15:00:00+08:00"):
        services.agreement_seal(agreement=agreement, by=by)
    agreement.refresh_from_db()
    assert timezone.localtime(agreement.effective_at).date() == date(2026, 5, 3)
    assert agreement.confirmation_deadline == date(2026, 6, 2)
    with pytest.raises(Conflict):
        services.agreement_seal(agreement=agreement, by=by)


def test_an_oral_agreement_is_in_effect_when_reached(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    agreement = services.agreement_make(
        dispute=dispute, by=desk(scene), terms="赔礼道歉", oral=True
    )
    assert agreement.effective_at == agreement.made_at
    assert "口头协议" in pdf_text(agreement)
    with pytest.raises(Conflict):
        services.agreement_mediator_sign(agreement=agreement, by=desk(scene))


def test_a_seal_needs_the_mediators_committee(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute(), mediator=scene.other_mediator)
    with pytest.raises(Conflict) as refused:
        services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿", sealed=True)
    assert refused.value.code == "no_committee"


def test_confirmation_is_refused_before_effect_and_after_the_window(make_dispute, scene):
    by = desk(scene)
    with freeze_time("2026-05-01 10:00:00+08:00"):
        dispute = in_mediation(scene, make_dispute())
        agreement = services.agreement_make(dispute=dispute, by=by, terms="赔偿")
        with pytest.raises(Conflict) as refused:
            services.agreement_confirmation(agreement=agreement, by=by, status="applied")
        assert refused.value.code == "not_in_effect"
        assert "张三" in refused.value.message
    with freeze_time("2026-05-10 10:00:00+08:00"):
        sign_all(agreement, by)
        with pytest.raises(DomainError):  # before the agreement took effect
            services.agreement_confirmation(
                agreement=agreement, by=by, status="applied", on=date(2026, 5, 9)
            )
    with freeze_time("2026-06-10 10:00:00+08:00"):
        with pytest.raises(DomainError) as late:
            services.agreement_confirmation(
                agreement=agreement, by=by, status="applied", on=date(2026, 6, 10)
            )
        assert late.value.code == "window_closed"
        services.agreement_confirmation(
            agreement=agreement, by=by, status="applied", on=date(2026, 6, 9)
        )
        services.agreement_confirmation(
            agreement=agreement, by=by, status="confirmed", ruling="(2026)渝0107民特12号"
        )
    agreement.refresh_from_db()
    assert agreement.confirmation_ruling == "(2026)渝0107民特12号"


def test_the_api_refuses_confirmation_of_an_unsigned_agreement_with_409(
    client, make_dispute, scene
):
    dispute = in_mediation(scene, make_dispute())
    services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿")
    client.force_login(scene.org.user(MEDIATOR))
    response = client.post(
        reverse("dispute-confirmation", args=[dispute.pk]),
        {"status": "applied"},
        content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_in_effect" and "司法确认" in error["message"]


def test_the_mediator_is_reminded_before_the_window_closes_once(make_dispute, scene):
    by = desk(scene)
    with freeze_time("2026-05-01 10:00:00+08:00"):
        dispute = in_mediation(scene, make_dispute())
        agreement = services.agreement_make(dispute=dispute, by=by, terms="赔偿")
        sign_all(agreement, by)
    mediator = scene.org.user(MEDIATOR)
    title = f"司法确认期限将届满：{dispute.number}"
    with freeze_time("2026-05-20 08:00:00+08:00"):  # 11 days left
        services.mediation_remind()
    assert not Notification.objects.filter(recipient=mediator, title=title).exists()
    with freeze_time("2026-05-25 08:00:00+08:00"):  # 6 days left
        services.mediation_remind()
        services.mediation_remind()
    assert Notification.objects.filter(recipient=mediator, title=title).count() == 1


# --- follow-up on the performance deadline ---------------------------------------------------


def test_the_follow_up_falls_due_on_the_performance_deadline(make_dispute, scene, settings):
    dispute = in_mediation(scene, make_dispute())
    deadline = timezone.localdate() + timedelta(days=40)
    agreement = services.agreement_make(
        dispute=dispute, by=desk(scene), terms="分期付款", performance_deadline=deadline
    )
    assert agreement.follow_ups.get().due_on == deadline
    with pytest.raises(DomainError):
        services.agreement_make(
            dispute=in_mediation(scene, make_dispute()),
            by=desk(scene),
            terms="x",
            performance_deadline=timezone.localdate() - timedelta(days=1),
        )


def test_without_a_deadline_the_follow_up_falls_back_to_the_setting(make_dispute, scene, settings):
    settings.MEDIATION_FOLLOW_UP_DAYS = 9
    dispute = in_mediation(scene, make_dispute())
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="赔礼道歉")
    assert agreement.follow_ups.get().due_on == timezone.localdate() + timedelta(days=9)


# --- the three kinds and their documents -----------------------------------------------------


def test_the_peoples_agreement_is_issued_by_the_committee_with_its_details(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    agreement = services.agreement_make(
        dispute=dispute,
        by=desk(scene),
        matters="漏水损失的赔偿",
        responsibility="李四负主要责任",
        terms="李四赔偿张三500元",
        performance="现金一次付清",
        performance_deadline=date(2099, 1, 31),
    )
    text = pdf_text(agreement)
    assert "人民调解协议书" in text and "西彭镇人民调解委员会" in text
    assert "受理单位" not in text and "派出所" not in text.split("当事人")[0]
    for words in ("漏水损失的赔偿", "李四负主要责任", "现金一次付清", "2099年1月31日"):
        assert words in text
    assert "人民调解员签名并加盖人民调解委员会印章之日起生效" in text
    assert "自各方当事人签字之日起生效" not in text


def test_police_mediation_prints_a_public_security_agreement_without_a_seal(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute(kind=MediationKind.POLICE))
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿医药费300元")
    assert not agreement.needs_seal
    with pytest.raises(Conflict):
        services.agreement_seal(agreement=agreement, by=desk(scene))
    sign_all(agreement, desk(scene))
    assert agreement.effective_at is not None
    text = pdf_text(agreement)
    assert "治安调解协议书" in text and "调解机关：西彭派出所" in text
    assert "不予处罚" in text and "人民调解协议书" not in text


def test_court_entrusted_mediation_has_its_own_document(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute(kind=MediationKind.COURT))
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="还款")
    assert "委托调解协议" in pdf_text(agreement)


def a_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 60), "red").save(out, "PNG")
    return out.getvalue()


def test_the_committees_seal_is_uploaded_in_admin_and_printed_once_sealed(make_dispute, scene):
    committee = scene.mediator.committee
    form = CommitteeForm(
        {"station": scene.org.xipeng.pk, "name": committee.name, "kind": committee.kind},
        {"seal_upload": SimpleUploadedFile("seal.png", a_png())},
        instance=committee,
    )
    assert form.is_valid(), form.errors
    form.save()
    committee = MediationCommittee.objects.get(pk=committee.pk)
    assert committee.seal.name.startswith("mediation/seals/")
    refused = CommitteeForm(
        {"station": scene.org.xipeng.pk, "name": committee.name, "kind": committee.kind},
        {"seal_upload": SimpleUploadedFile("seal.png", b"not an image")},
        instance=committee,
    )
    assert not refused.is_valid()
    dispute = in_mediation(scene, make_dispute())
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="x")
    unsealed = agreement_pdf(agreement)
    sign_all(agreement, desk(scene))
    assert len(agreement_pdf(agreement)) > len(unsealed)  # the seal's image is drawn


def test_a_performed_police_agreement_ends_the_public_security_matter(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute(kind=MediationKind.POLICE))
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿300元")
    services.follow_up_record(
        follow_up=agreement.follow_ups.get(), by=desk(scene), result="carried_out"
    )
    assert dispute.events.filter(text__contains="不予处罚").exists()
