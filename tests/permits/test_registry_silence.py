"""Issue 18 item 3: a citizen's application tells nothing about the registry, and an
approval links a registered person only within the approving officer's scope."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.errors import Conflict
from apps.core.idnumbers import MALE, make_id_number
from apps.permits import services
from apps.permits.choices import ApplicationKind, Basis
from tests.registry.factories import PersonFactory

from .conftest import ID_NUMBER, new_registration
from .test_api_citizen import another_citizen, post, token_for

OTHER = make_id_number(region="500107", birth_date=date(1980, 2, 2), sequence=7, gender=MALE)


@pytest.mark.django_db
def test_a_citizens_application_names_no_registered_person(client, org):
    PersonFactory(station=org.xipeng, id_number=OTHER, birth_date=date(1980, 2, 2), gender=MALE)
    answers = {}
    for number in (OTHER, ID_NUMBER):  # registered, and not
        auth = token_for(client, "citizen")
        response = post(
            client,
            "permitapplication-list",
            data={
                "community": org.yingxin.pk,
                "name": "王小红",
                "id_number": number,
                "phone": "13912345678",
                "basis": "employment",
                "address_text": "迎新村3组12号",
            },
            **auth,
        )
        assert response.status_code == 201, response.content
        answers[number] = response.json()
        listed = client.get(reverse("permitapplication-list"), **auth).json()["results"]
        assert all("person" not in row for row in listed)
    assert "person" not in answers[OTHER] and "person" not in answers[ID_NUMBER]
    assert answers[OTHER].keys() == answers[ID_NUMBER].keys()


def test_an_open_application_is_news_to_its_own_applicant_only(org, citizen):
    new_registration(org, citizen)
    with pytest.raises(Conflict):
        new_registration(org, citizen)
    # Another citizen typing the same number learns nothing of the first one's application.
    assert new_registration(org, another_citizen()).pk


def test_approval_links_a_person_of_the_officers_scope(org, citizen, officer, registration):
    here = PersonFactory(station=org.xipeng, id_number=ID_NUMBER, birth_date=date(1995, 3, 8))
    approved = services.application_approve(
        application=registration, by=officer, documents_confirmed=True
    )
    assert approved.person == here


def test_approval_never_links_a_person_of_another_bureau(org, citizen, officer, registration):
    PersonFactory(station=org.shuangfeng, id_number=ID_NUMBER, birth_date=date(1995, 3, 8))
    approved = services.application_approve(
        application=registration, by=officer, documents_confirmed=True
    )
    assert approved.person is None
    assert approved.certificate.person is None if hasattr(approved, "certificate") else True


def test_an_officer_filing_at_the_window_links_no_one_before_the_review(org, officer):
    PersonFactory(station=org.xipeng, id_number=OTHER, birth_date=date(1980, 2, 2), gender=MALE)
    application = services.application_create(
        by=officer,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="李强",
        id_number=OTHER,
        phone="13912345678",
        basis=Basis.EMPLOYMENT,
        address_text="迎新村3组12号",
    )
    assert application.person is None
