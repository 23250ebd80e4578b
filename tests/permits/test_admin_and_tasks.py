"""Admin pages of every permits model, and the daily job's place in celery beat."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.core.testing.personas import JLP_ADMIN, SUPERUSER, YUBEI_ADMIN
from apps.permits import services
from apps.permits.models import ApplicationDocument, HomeVisit
from policestation.celery import app

MODELS = [
    "permitapplication",
    "applicationdocument",
    "homevisit",
    "residencecertificate",
    "residencepermit",
    "permitendorsement",
    "enterpriseregistration",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_every_admin_list_opens_for_the_superuser(client, org, model, registration):
    client.force_login(org.user(SUPERUSER))
    assert client.get(reverse(f"admin:permits_{model}_changelist")).status_code == 200


@pytest.mark.django_db
def test_admin_shows_documents_and_visits_in_scope_and_personal_data_masked(
    client, org, officer, registration
):
    from django.utils import timezone

    services.home_visit_record(
        application=registration, by=officer, visited_on=timezone.localdate(), result="confirmed"
    )
    document = ApplicationDocument.objects.first()
    visit = HomeVisit.objects.get()
    client.force_login(org.user(JLP_ADMIN))
    page = client.get(reverse("admin:permits_permitapplication_change", args=[registration.pk]))
    assert page.status_code == 200
    assert registration.id_number not in page.content.decode()
    for name, obj in (("applicationdocument", document), ("homevisit", visit)):
        assert client.get(reverse(f"admin:permits_{name}_change", args=[obj.pk])).status_code == 200
    client.force_login(org.user(YUBEI_ADMIN))
    for name, obj in (("applicationdocument", document), ("homevisit", visit)):
        assert client.get(reverse(f"admin:permits_{name}_change", args=[obj.pk])).status_code == 404


def test_the_daily_job_is_scheduled_and_registered():
    entry = settings.CELERY_BEAT_SCHEDULE["permits-daily"]
    assert entry["task"] in app.tasks
