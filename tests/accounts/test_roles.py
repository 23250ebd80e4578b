from django.contrib.auth.models import Group, Permission

from apps.accounts import roles
from apps.accounts.roles import ROLES, sync_roles


def test_every_permission_a_role_names_exists(db):
    for role, perms in ROLES.items():
        for perm in perms:
            app_label, codename = perm.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), f"{role}: unknown permission {perm}"


def test_it_creates_every_role_after_migrate_with_exactly_its_permissions(db):
    for role, perms in ROLES.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(perms)


def test_it_is_idempotent_and_repairs_a_changed_role(db):
    desk = Group.objects.get(name=roles.DESK_OFFICER)
    desk.permissions.add(Permission.objects.get(codename="delete_station"))
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name=roles.DESK_OFFICER).count() == 1
    assert not desk.permissions.filter(codename="delete_station").exists()


def test_the_eight_roles_of_the_station_exist(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "值班民警",
        "社区民警",
        "办案民警",
        "所领导",
        "分局管理员",
        "调解员",
        "群众",
        "审计员",
    }
