"""The session and its user read from the cache (issue 21, item 4; apps/accounts/backends.py
`session_user`, SESSION_ENGINE cached_db): a later request reads neither from the database,
and a change of the user ends or changes what the very next request may do."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.services import device_token_issue
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER


def tables_read(client, url, **headers) -> str:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return " ".join(q["sql"] for q in captured.captured_queries)


def test_a_later_request_reads_neither_session_nor_user_from_the_database(client, org):
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("incident-list")
    first = tables_read(client, url)
    assert '"accounts_user"' in first  # the first request fills the cache
    later = tables_read(client, url)
    assert '"django_session"' not in later
    assert '"accounts_user"' not in later
    assert "auth_permission" not in later


def test_a_deactivated_user_is_refused_on_the_next_request(client, org):
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    url = reverse("incident-list")
    assert client.get(url).status_code == 200
    desk.is_active = False
    desk.save(update_fields=["is_active"])
    assert client.get(url).status_code in (401, 403)


def test_a_new_password_ends_the_other_sessions_at_once(client, org):
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    url = reverse("incident-list")
    assert client.get(url).status_code == 200
    desk.set_password("a-new-Passw0rd-2026")
    desk.save()
    assert client.get(url).status_code in (401, 403)


def test_a_move_to_another_station_changes_the_next_list(client, org):
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    url = reverse("post-list")
    names = {row["name"] for row in client.get(url).json()["results"]}
    assert org.park_post.name in names
    desk.station = org.shuangfeng
    desk.save()
    names = {row["name"] for row in client.get(url).json()["results"]}
    assert org.park_post.name not in names
    assert org.shuangfeng_post.name in names


def test_a_role_taken_away_is_refused_on_the_next_request(client, org):
    leader = org.user(XIPENG_LEADER)
    client.force_login(leader)
    url = reverse("incident-list")
    assert client.get(url).status_code == 200
    leader.groups.clear()
    leader.groups.add(Group.objects.get(name=roles.CITIZEN))
    assert client.get(url).status_code == 403


def test_a_tablets_later_call_reads_neither_token_nor_user_from_the_database(client, org):
    community = org.user(XIPENG_COMMUNITY)
    _, token = device_token_issue(user=community, device="巡逻平板")
    url, headers = reverse("incident-list"), {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert '"accounts_devicetoken"' in tables_read(client, url, **headers)
    later = tables_read(client, url, **headers)
    assert '"accounts_devicetoken"' not in later
    assert '"accounts_user"' not in later
    community.is_active = False
    community.save(update_fields=["is_active"])
    assert client.get(url, **headers).status_code == 401
