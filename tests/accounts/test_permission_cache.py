"""The permission sets kept in the cache between requests (apps/accounts/backends.py): read
once, then without queries, and never stale after a change of roles or permissions."""

import pytest
from django.contrib.auth.models import Group, Permission

from apps.accounts import roles
from apps.accounts.models import User
from apps.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

VIEW_INCIDENT = "cases.view_incident"


def fresh(user) -> User:
    """The user as the next request loads them: a new instance, no per-request cache."""
    return User.objects.get(pk=user.pk)


def test_a_later_request_checks_permissions_without_a_query(django_assert_num_queries):
    user = UserFactory(role=roles.DESK_OFFICER)
    assert fresh(user).has_perm(VIEW_INCIDENT)
    again = fresh(user)
    with django_assert_num_queries(0):
        assert again.has_perm(VIEW_INCIDENT)
        assert not again.has_perm("stations.delete_station")


def test_leaving_a_role_takes_effect_at_once():
    user = UserFactory(role=roles.DESK_OFFICER)
    assert fresh(user).has_perm(VIEW_INCIDENT)
    user.groups.remove(Group.objects.get(name=roles.DESK_OFFICER))
    assert not fresh(user).has_perm(VIEW_INCIDENT)
    user.groups.add(Group.objects.get(name=roles.DESK_OFFICER))
    assert fresh(user).has_perm(VIEW_INCIDENT)


def test_a_changed_role_takes_effect_at_once():
    user = UserFactory(role=roles.DESK_OFFICER)
    assert fresh(user).has_perm(VIEW_INCIDENT)
    desk = Group.objects.get(name=roles.DESK_OFFICER)
    desk.permissions.remove(Permission.objects.get(codename="view_incident"))
    assert not fresh(user).has_perm(VIEW_INCIDENT)
    roles.sync_roles()  # puts the role right again
    assert fresh(user).has_perm(VIEW_INCIDENT)


def test_a_permission_given_to_the_user_alone_takes_effect_at_once():
    user = UserFactory(role=roles.DESK_OFFICER)
    assert not fresh(user).has_perm("stations.delete_station")
    user.user_permissions.add(Permission.objects.get(codename="delete_station"))
    assert fresh(user).has_perm("stations.delete_station")


def test_superuser_and_inactive_flags_are_never_read_from_the_cache():
    user = UserFactory(role=roles.DESK_OFFICER)
    assert not fresh(user).has_perm("stations.delete_station")
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    # (has_perm answers True for a superuser before asking the backend)
    assert "stations.delete_station" in fresh(user).get_all_permissions()
    User.objects.filter(pk=user.pk).update(is_superuser=False, is_active=False)
    assert not fresh(user).has_perm(VIEW_INCIDENT)
