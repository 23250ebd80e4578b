"""居住证暂行条例 and 港澳台居民居住证申领发放办法, on their own examples: who may have a permit
(第二条), what it records and who issues it (第四、十条), the 15 days from acceptance (第九条)."""

import io
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from apps.core.errors import Conflict, DomainError
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.permits import services
from apps.permits.choices import ApplicationKind, ApplicationStatus, Basis, DocumentKind
from apps.permits.filters import PermitApplicationFilter
from apps.permits.household import city_of, is_local
from apps.permits.models import PermitApplication, ResidencePermit

from .conftest import new_registration, upload

S = ApplicationStatus
# A woman from 渝北 (500112): her household is in Chongqing, the city 西彭 serves.
CHONGQING_NUMBER = make_id_number(
    region="500112", birth_date=date(1990, 4, 2), sequence=7, gender=FEMALE
)
TAIWAN_NUMBER = make_id_number(
    region="830000", birth_date=date(1988, 9, 9), sequence=5, gender=MALE
)


def approved_registration(org, citizen, officer, **kwargs):
    registration = new_registration(org, citizen, **kwargs)
    services.application_submit(application=registration, by=citizen)
    services.application_approve(application=registration, by=officer, documents_confirmed=True)
    registration.refresh_from_db()
    return registration


def test_the_city_is_the_municipality_or_the_prefecture():
    assert city_of("500107") == city_of("500112") == city_of("500236") == "50"
    assert city_of("510104") == "5101" != city_of("511623")


# --- 第二条: 户籍地 ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chongqing_household_is_registered_but_refused_a_permit(org, citizen, officer):
    with freeze_time("2026-01-05 09:00"):
        registration = approved_registration(org, citizen, officer, id_number=CHONGQING_NUMBER)
        # 居住登记 stays open: registered, with its certificate.
        assert registration.status == S.APPROVED
        assert registration.household_region == "500112"
        assert registration.certificate.number
    with freeze_time("2026-08-01 09:00"), pytest.raises(DomainError) as refused:
        services.permit_application_start(certificate=registration.certificate, by=citizen)
    assert refused.value.code == "household_in_city"
    assert "第二条" in refused.value.message and "500112" in refused.value.message
    assert not PermitApplication.objects.filter(kind=ApplicationKind.PERMIT).exists()


@pytest.mark.django_db
def test_the_recorded_household_region_decides_not_the_id_number(org, citizen, officer):
    # Born in 渝北, household moved to 成都: the officer records 510104, and she may apply.
    with freeze_time("2026-01-05 09:00"):
        registration = new_registration(org, citizen, id_number=CHONGQING_NUMBER, documents=())
        registration.delete()
        registration = services.application_create(
            by=officer,
            kind=ApplicationKind.REGISTRATION,
            community=org.yingxin,
            name="王小红",
            id_number=CHONGQING_NUMBER,
            phone="13912345678",
            basis=Basis.HOUSING,
            address_text="迎新村3组12号",
            applicant=citizen,
            household_region="510104",
            household_address="四川省成都市锦江区春熙路1号",
        )
        assert registration.household_region == "510104"
    # …and the other way round: an ID number from 四川, household now in 綦江 (500110).
    assert is_local("500110", org.xipeng) and not is_local("510104", org.xipeng)


@pytest.mark.django_db
def test_a_chongqing_household_is_refused_at_the_window_too(org, officer, citizen):
    with freeze_time("2026-01-05 09:00"):
        registration = approved_registration(org, citizen, officer)
    with freeze_time("2026-08-01 09:00"), pytest.raises(DomainError) as refused:
        services.application_create(
            by=officer,
            kind=ApplicationKind.PERMIT,
            community=org.yingxin,
            name="王小红",
            id_number=registration.id_number,
            phone="13912345678",
            basis=Basis.HOUSING,
            address_text="迎新村3组12号",
            registration=registration,
            household_region="500107",
        )
    assert refused.value.code == "household_in_city"


@pytest.mark.django_db
def test_without_a_region_code_for_the_bureau_the_setting_names_the_city(org):
    org.jiulongpo.code = "JLP"
    org.jiulongpo.save()
    org.xipeng.refresh_from_db()
    assert is_local("500107", org.xipeng)  # the default setting: Chongqing
    with override_settings(PERMITS_HOME_REGION="510100"):
        assert is_local("510104", org.xipeng) and not is_local("500107", org.xipeng)


@pytest.mark.django_db
def test_a_bad_household_region_code_is_refused(org, officer):
    with pytest.raises(DomainError):
        services.application_create(
            by=officer,
            kind=ApplicationKind.REGISTRATION,
            community=org.yingxin,
            name="王小红",
            id_number=CHONGQING_NUMBER,
            phone="13912345678",
            basis=Basis.HOUSING,
            address_text="迎新村3组12号",
            household_region="99",
        )


# --- 港澳台居民居住证: 830000 -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_taiwan_resident_with_an_830000_number_registers_and_gets_a_permit(org, citizen, officer):
    with freeze_time("2026-01-05 09:00"):
        registration = approved_registration(org, citizen, officer, id_number=TAIWAN_NUMBER)
        assert registration.household_region == "830000"
    with freeze_time("2026-08-01 09:00"):
        application = services.permit_application_start(
            certificate=registration.certificate, by=citizen, basis=Basis.HOUSING
        )
        services.application_submit(application=application, by=citizen)
        services.application_approve(application=application, by=officer, documents_confirmed=True)
    permit = ResidencePermit.objects.get(application=application)
    assert (permit.id_number, permit.gender, permit.birth_date) == (
        TAIWAN_NUMBER,
        MALE,
        date(1988, 9, 9),
    )


# --- 第四、十条: what the permit records, who issues it -------------------------------------


@pytest.mark.django_db
def test_the_permit_records_what_article_4_lists_and_the_sub_bureau_issues_it(
    client, org, citizen, officer
):
    with freeze_time("2026-01-05 09:00"):
        registration = new_registration(org, citizen, documents=())
        registration.delete()
        registration = services.application_create(
            by=citizen,
            kind=ApplicationKind.REGISTRATION,
            community=org.yingxin,
            name="王小红",
            id_number=make_id_number(
                region="510104", birth_date=date(1995, 3, 8), sequence=12, gender=FEMALE
            ),
            phone="13912345678",
            basis=Basis.HOUSING,
            address_text="迎新村3组12号",
            household_address="四川省成都市锦江区春熙路1号",
            ethnicity="彝族",
        )
        from .conftest import REGISTRATION_DOCUMENTS

        for kind in REGISTRATION_DOCUMENTS:
            services.document_add(application=registration, by=citizen, upload=upload(), kind=kind)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-08-01 09:00"):
        application = services.permit_application_start(
            certificate=registration.certificate, by=citizen
        )
        assert application.household_address == "四川省成都市锦江区春熙路1号"
        services.application_submit(application=application, by=citizen)
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        permit = ResidencePermit.objects.get(application=application)
        assert permit.gender == FEMALE and permit.birth_date == date(1995, 3, 8)
        assert permit.ethnicity == "彝族"
        assert permit.household_address == "四川省成都市锦江区春熙路1号"
        assert permit.address_text == "迎新村3组12号" and permit.photo
        assert permit.issuing_organ == "重庆市公安局九龙坡区分局"

        client.force_login(citizen)
        page = client.get(reverse("permits:permit_detail", args=[permit.pk])).content.decode()
        for text in ("重庆市公安局九龙坡区分局", "西彭派出所", "彝族", "春熙路1号", "女"):
            assert text in page
        pdf = client.get(reverse("permits:permit_pdf", args=[permit.pk]))
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        for words in ("重庆市公安局九龙坡区分局", "彝族", "1995", "春熙路"):
            assert words in text
        client.logout()
        verify = client.get(permit.get_verify_url()).content.decode()
        assert "重庆市公安局九龙坡区分局" in verify
        # The public page names no more of the holder than before.
        assert "彝族" not in verify and "春熙路" not in verify


# --- 第九条: within 15 days of acceptance ---------------------------------------------------


@pytest.mark.django_db
def test_an_application_on_its_16th_day_is_listed_as_overdue(client, org, citizen, officer):
    with freeze_time("2026-03-01 10:00"):
        late = new_registration(org, citizen)
        services.application_submit(application=late, by=citizen)
    # Times in UTC: 18:00 in Chongqing.
    with freeze_time("2026-03-16 10:00"):
        # Day 15 (the day of acceptance not counted): the last day, not yet overdue.
        filtered = PermitApplicationFilter(
            {"overdue": "true"}, PermitApplication.objects.all(), request=None
        ).qs
        assert list(filtered) == []
    with freeze_time("2026-03-17 08:00"):
        filtered = PermitApplicationFilter(
            {"overdue": "true"}, PermitApplication.objects.all(), request=None
        ).qs
        assert list(filtered) == [late]
        client.force_login(officer)
        queue = client.get(reverse("permits:queue"), {"overdue": "1"})
        assert [a.pk for a in queue.context["page_obj"]] == [late.pk]
        assert queue.context["counts"]["overdue"] == 1
        listed = client.get(reverse("permits:application_list"), {"overdue": "true"})
        assert late.name in listed.content.decode()
        # Decided, it leaves the list.
        services.application_approve(application=late, by=officer, documents_confirmed=True)
        assert client.get(reverse("permits:queue")).context["counts"]["overdue"] == 0


@pytest.mark.django_db
def test_waiting_for_a_supplement_stops_the_clock_and_resubmission_restarts_it(
    org, citizen, officer
):
    with freeze_time("2026-03-01 10:00"):
        application = new_registration(org, citizen)
        services.application_submit(application=application, by=citizen)
    with freeze_time("2026-03-10 10:00"):
        services.application_ask_supplement(
            application=application, by=officer, message="请补充租房合同"
        )
    with freeze_time("2026-03-20 10:00"):
        assert not PermitApplication.objects.filter(
            pk=application.pk, status__in=[S.NEEDS_SUPPLEMENT]
        ).filter(pk__in=PermitApplicationFilter({"overdue": "true"}, request=None).qs)
        services.application_submit(application=application, by=citizen)
    with freeze_time("2026-04-04 10:00"):
        assert not PermitApplicationFilter({"overdue": "true"}, request=None).qs.exists()
    with freeze_time("2026-04-05 10:00"):
        assert PermitApplicationFilter({"overdue": "true"}, request=None).qs.get() == application


# --- 第九条: 一次性告知 ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_for_papers_lists_everything_missing_at_once(org, citizen, officer):
    with freeze_time("2026-03-01 10:00"):
        application = new_registration(org, citizen)
        services.application_submit(application=application, by=citizen)
    with freeze_time("2026-03-02 10:00"):
        services.application_ask_supplement(
            application=application,
            by=officer,
            items=["租房合同", "劳动合同"],
            message="房东身份证复印件",
        )
        application.refresh_from_db()
        assert application.officer_message == "1. 租房合同；2. 劳动合同；3. 房东身份证复印件"
        with pytest.raises(Conflict):  # asked already, not yet answered
            services.application_ask_supplement(application=application, by=officer, message="x")
    with freeze_time("2026-03-03 10:00"):
        # Resubmitted without handing in anything new: no second request, a decision.
        services.application_submit(application=application, by=citizen)
        with pytest.raises(Conflict) as refused:
            services.application_ask_supplement(
                application=application, by=officer, message="再补社保证明"
            )
        assert "第九条" in refused.value.message
        application.refresh_from_db()
        assert application.status == S.RESUBMITTED


@pytest.mark.django_db
def test_new_papers_may_raise_a_new_request(org, citizen, officer):
    with freeze_time("2026-03-01 10:00"):
        application = new_registration(org, citizen)
        services.application_submit(application=application, by=citizen)
    with freeze_time("2026-03-02 10:00"):
        services.application_ask_supplement(application=application, by=officer, message="劳动合同")
    with freeze_time("2026-03-03 10:00"):
        services.document_add(
            application=application,
            by=citizen,
            upload=upload(),
            kind=DocumentKind.LEASE_OR_PROPERTY,
        )
        services.application_submit(application=application, by=citizen)
    with freeze_time("2026-03-04 10:00"):
        services.application_ask_supplement(application=application, by=officer, message="合同缺页")
        application.refresh_from_db()
        assert application.status == S.NEEDS_SUPPLEMENT


@pytest.mark.django_db
def test_the_supplement_form_sends_the_ticked_documents_and_the_lines_in_one_request(
    client, org, citizen, officer
):
    with freeze_time("2026-03-01 10:00"):
        application = new_registration(org, citizen)
        services.application_submit(application=application, by=citizen)
        client.force_login(officer)
        client.post(
            reverse("permits:supplement", args=[application.pk]),
            {"documents": ["portrait", "employment_or_study"], "message": "社保证明\n房东电话"},
        )
        application.refresh_from_db()
        assert application.status == S.NEEDS_SUPPLEMENT
        message = application.officer_message
        assert message.startswith("1. ") and "4. 房东电话" in message


@pytest.mark.django_db
def test_the_applicant_records_the_household_on_the_portal(client, org, citizen):
    client.force_login(citizen)
    fields = {
        "community": org.yingxin.pk,
        "address_text": "迎新村3组12号",
        "name": "王小红",
        "id_number": CHONGQING_NUMBER,
        "phone": "13912345678",
        "basis": "housing",
        "household_region": "510104",
        "household_address": "四川省成都市锦江区春熙路1号",
        "ethnicity": "汉族",
    }
    client.post(reverse("permits:portal_new"), fields)
    application = PermitApplication.objects.get(applicant=citizen)
    assert (application.household_region, application.household_address) == (
        "510104",
        "四川省成都市锦江区春熙路1号",
    )
    form = client.get(reverse("permits:portal_new")).context["form"]
    assert form.initial["household_region"] == "510104"
