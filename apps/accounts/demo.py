"""The demo logins of README, each with its role, station and post; idempotent."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from apps.stations.choices import StaffKind, StationUnit
from apps.stations.models import Bureau, PoliceDistrict, Post, StaffAssignment, Station

from . import roles
from .choices import UserKind
from .models import User

DEMO_PASSWORD = "jingwu2026"

# username: (family name, given name, kind, role, bureau code, station code, post, unit, duty)
DEMO_USERS = {
    "jlp_admin": (
        "周",
        "建国",
        UserKind.OFFICER,
        roles.BUREAU_ADMIN,
        "500107",
        None,
        None,
        None,
        "分局管理员",
    ),
    "xipeng_desk": (
        "陈",
        "晓东",
        UserKind.OFFICER,
        roles.DESK_OFFICER,
        "500107",
        "500107-xipeng",
        None,
        StationUnit.COMMAND_ROOM,
        "值班民警",
    ),
    "xipeng_community": (
        "李",
        "强",
        UserKind.OFFICER,
        roles.COMMUNITY_OFFICER,
        "500107",
        "500107-xipeng",
        "西彭园区警务站",
        StationUnit.COMMUNITY_TEAM,
        "社区民警",
    ),
    "xipeng_case": (
        "王",
        "磊",
        UserKind.OFFICER,
        roles.CASE_OFFICER,
        "500107",
        "500107-xipeng",
        None,
        StationUnit.CASE_TEAM,
        "办案民警",
    ),
    "xipeng_leader": (
        "刘",
        "志明",
        UserKind.OFFICER,
        roles.STATION_LEADER,
        "500107",
        "500107-xipeng",
        None,
        StationUnit.LEADERSHIP,
        "所长",
    ),
    "shiqiaopu_community": (
        "张",
        "伟",
        UserKind.OFFICER,
        roles.COMMUNITY_OFFICER,
        "500107",
        "500107-shiqiaopu",
        "张坪警务站",
        StationUnit.COMMUNITY_TEAM,
        "社区民警",
    ),
    "shuangfeng_desk": (
        "杨",
        "帆",
        UserKind.OFFICER,
        roles.DESK_OFFICER,
        "500112",
        "500112-shuangfeng",
        None,
        StationUnit.COMMAND_ROOM,
        "值班民警",
    ),
    "mediator_xipeng": (
        "杨",
        "德明",
        UserKind.MEDIATOR,
        roles.MEDIATOR,
        "500107",
        "500107-xipeng",
        None,
        StationUnit.JOINT_FORCE,
        "驻所人民调解员",
    ),
    # Last, so that the earlier logins keep their badge numbers.
    "jlp_legal": (
        "孙",
        "静",
        UserKind.OFFICER,
        roles.LEGAL_AFFAIRS,
        "500107",
        None,
        None,
        None,
        "法制大队民警",
    ),
}

# Joint-force members of the park post, without a login (name, kind, duty, phone).
PARK_POST_JOINT_FORCES = [
    ("何", StaffKind.GRID_WORKER, "迎新村网格员", "13983000101"),
    ("罗", StaffKind.SAFETY_GUARD, "园区平安护卫队队长", "13983000102"),
    ("邓", StaffKind.SECURITY_GUARD, "铝产业园企业保安", "13983000103"),
    ("蒋", StaffKind.BUILDING_HEAD, "城西家园3栋楼栋长", "13983000104"),
]


def _badge(index: int) -> str:
    return f"050{index:03d}"


@transaction.atomic
def seed_users() -> int:
    """Create the demo users (password only on creation); returns how many were created."""
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "seed_demo sets the well-known demo password and refuses to run with DEBUG off."
        )
    created = 0
    admin, was_created = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "last_name": "系统",
            "first_name": "管理员",
        },
    )
    if was_created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        created += 1
    for index, (username, spec) in enumerate(DEMO_USERS.items(), start=1):
        last, first, kind, role, bureau_code, station_code, post_name, unit, duty = spec
        station = Station.objects.get(code=station_code) if station_code else None
        post = Post.objects.get(station=station, name=post_name) if post_name else None
        user, was_created = User.objects.update_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "kind": kind,
                "badge_number": _badge(index) if kind == UserKind.OFFICER else "",
                "bureau": Bureau.objects.get(code=bureau_code),
                "station": station,
                "post": post,
                "is_staff": role == roles.BUREAU_ADMIN,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        user.groups.set([Group.objects.get(name=role)])
        if station is not None:
            StaffAssignment.objects.update_or_create(
                station=station,
                user=user,
                defaults={
                    "name": f"{last}{first}",
                    "post": post,
                    "unit": unit or "",
                    "duty": duty,
                    "kind": StaffKind.MEDIATOR if kind == UserKind.MEDIATOR else StaffKind.OFFICER,
                },
            )
    community = User.objects.get(username="xipeng_community")
    park_district = PoliceDistrict.objects.filter(post=community.post).first()
    if park_district is not None:
        park_district.responsible_officers.add(community)
    for family_name, kind, duty, phone in PARK_POST_JOINT_FORCES:
        StaffAssignment.objects.update_or_create(
            station=community.station,
            name=f"{family_name}某某",
            duty=duty,
            defaults={
                "kind": kind,
                "post": community.post,
                "unit": StationUnit.JOINT_FORCE,
                "phone": phone,
            },
        )
    return created
