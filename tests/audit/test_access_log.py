"""The personal-data access log (issue 10, item 4): append-only for everyone, the auditor
(审计员) alone deleting what is past the retention — at least six months — through one
service; refused by the ORM, by admin, and on PostgreSQL by the database itself."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts import roles
from apps.core.errors import NotAllowed
from apps.core.models import AccessLog, AppendOnly
from apps.core.services import access_log_purge
from apps.core.testing.concurrency import needs_postgres
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import JLP_ADMIN, SUPERUSER, XIPENG_DESK, XIPENG_LEADER
from tests.core.test_settings import STRONG_KEY, run_django


def entry(org, *, days_ago=0, station=None):
    with freeze_time(timezone.now() - timedelta(days=days_ago)):
        return AccessLog.objects.create(
            user=org.user(XIPENG_DESK),
            station=station or org.xipeng,
            subject_type="registry.person",
            subject_id="1",
            subject_label="王**",
            field="id_number",
            page="/registry/persons/1/",
        )


@pytest.fixture
def auditor(org):
    return UserFactory(username="jlp_auditor", bureau=org.jiulongpo, role=roles.AUDITOR)


def test_the_auditor_is_a_role_that_reads_the_log_and_may_purge_it(auditor):
    assert Group.objects.filter(name="审计员").exists()
    assert auditor.has_perms(["core.view_accesslog", "core.delete_accesslog"])
    assert not auditor.has_perm("core.change_accesslog")
    assert not auditor.has_perm("core.view_personal_data")


def test_no_other_role_may_delete_or_change_an_entry():
    for role, perms in roles.ROLES.items():
        assert "core.change_accesslog" not in perms, role
        assert ("core.delete_accesslog" in perms) == (role == roles.AUDITOR), role


def test_an_entry_is_never_changed(org):
    row = entry(org)
    row.field = "phone"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=row.pk).update(field="phone")
    assert AccessLog.objects.get(pk=row.pk).field == "id_number"


def test_an_entry_is_never_deleted_one_by_one_or_in_bulk(org):
    old = entry(org, days_ago=400)
    with pytest.raises(AppendOnly):
        old.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.count() == 1


def test_admin_offers_no_add_change_or_delete_even_to_a_superuser(client, org):
    row = entry(org, days_ago=400)
    client.force_login(org.user(SUPERUSER))
    assert client.get(reverse("admin:core_accesslog_add")).status_code == 403
    delete = reverse("admin:core_accesslog_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = client.get(reverse("admin:core_accesslog_change", args=[row.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    changelist = client.get(reverse("admin:core_accesslog_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_the_auditor_deletes_only_the_entries_past_the_retention(client, org, auditor):
    past = entry(org, days_ago=184)
    kept = entry(org, days_ago=182)
    client.force_login(auditor)
    page = client.get(reverse("accesslog_list")).content.decode()
    assert reverse("accesslog_purge") in page  # the auditor's button
    response = client.post(reverse("accesslog_purge"), follow=True)
    assert response.status_code == 200
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessLog.objects.filter(pk=past.pk).exists()


def test_a_longer_retention_keeps_longer(org, auditor, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 400
    entry(org, days_ago=300)
    entry(org, days_ago=401)
    assert access_log_purge(by=auditor) == 1
    assert AccessLog.objects.count() == 1


def test_the_auditor_purges_only_their_own_bureau(org, auditor):
    entry(org, days_ago=200, station=org.shuangfeng)  # 渝北's
    assert access_log_purge(by=auditor) == 0
    assert AccessLog.objects.count() == 1


@pytest.mark.parametrize("persona", [XIPENG_LEADER, JLP_ADMIN])
def test_those_who_read_the_log_cannot_purge_it(client, org, persona):
    entry(org, days_ago=400)
    client.force_login(org.user(persona))
    page = client.get(reverse("accesslog_list"))
    assert page.status_code == 200
    assert reverse("accesslog_purge") not in page.content.decode()
    assert client.post(reverse("accesslog_purge")).status_code == 403
    with pytest.raises(NotAllowed):
        access_log_purge(by=org.user(persona))
    assert AccessLog.objects.count() == 1


def test_the_purge_is_a_post(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("accesslog_purge")).status_code == 405


def test_a_retention_under_six_months_stops_start_up():
    result = run_django(
        "", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="x", ACCESS_LOG_RETENTION_DAYS="90"
    )
    assert result.returncode != 0
    assert "ACCESS_LOG_RETENTION_DAYS must be at least 183 (six months), not 90" in result.stderr


@needs_postgres
def test_postgresql_refuses_an_update_and_an_early_delete_whoever_sends_them(org):
    young, old = entry(org, days_ago=10), entry(org, days_ago=200)
    with connection.cursor() as cursor:
        for sql, params in (
            ("UPDATE core_accesslog SET field = 'phone' WHERE id = %s", [old.pk]),
            ("DELETE FROM core_accesslog WHERE id = %s", [young.pk]),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql, params)
        cursor.execute("DELETE FROM core_accesslog WHERE id = %s", [old.pk])
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]
