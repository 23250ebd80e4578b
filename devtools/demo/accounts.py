"""The demo logins of README, each with its role, station and post; idempotent."""

import random
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.stations.choices import StaffKind, StationUnit
from apps.stations.models import Bureau, PoliceDistrict, Post, StaffAssignment, Station

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
    # 歇台子's 警长 of the 歇台子警区 (60,000+ real population), who built the 百宝箱.
    "xietaizi_community": (
        "田",
        "小鹏",
        UserKind.OFFICER,
        roles.COMMUNITY_OFFICER,
        "500107",
        "500107-xietaizi",
        "歇台子警务站",
        StationUnit.COMMUNITY_TEAM,
        "警长、社区民警",
    ),
}

# Joint-force members of the park post, without a login (name, kind, duty, phone).
PARK_POST_JOINT_FORCES = [
    ("何", StaffKind.GRID_WORKER, "迎新村网格员", "13983000101"),
    ("罗", StaffKind.SAFETY_GUARD, "园区平安护卫队队长", "13983000102"),
    ("邓", StaffKind.SECURITY_GUARD, "铝产业园企业保安", "13983000103"),
    ("蒋", StaffKind.BUILDING_HEAD, "城西家园3栋楼栋长", "13983000104"),
]


# 张坪警务站's joint force (重庆之声, 2020-12-28): "整合警区的9名民警、5名辅警、27名平安家园
# 护卫队、28名网格员、100余名楼栋长开展巡逻". (kind, how many, duty); the officers count the
# post's login (张伟), and its head 张晋源 is named in the seed.
ZHANGPING_POST = "张坪警务站"
ZHANGPING_FORCES = [
    (StaffKind.OFFICER, 8, "社区民警"),
    (StaffKind.AUXILIARY, 5, "辅警"),
    (StaffKind.SAFETY_GUARD, 27, "平安家园护卫队队员"),
    (StaffKind.GRID_WORKER, 28, "网格员"),
    (StaffKind.BUILDING_HEAD, 106, "楼栋长"),
]
# The demo's phone range (13983000xxx is the park's and the mediation demo's): one number
# per member, which is also what makes the seeding idempotent.
ZHANGPING_PHONES = 13983003000
_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹彭曾田董潘袁蒋蔡余杜"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国志红文斌琴云飞鹏辉"


def zhangping_forces() -> list[tuple[str, str, str, str, int]]:
    """(name, kind, duty, phone, community index) of every member, the same on every run."""
    rng = random.Random(20201101)
    members, n, taken = [], 0, set()
    for kind, count, duty in ZHANGPING_FORCES:
        for index in range(count):
            n += 1
            while True:
                given = rng.choice(_GIVEN) + rng.choice(("", rng.choice(_GIVEN)))
                name = rng.choice(_FAMILY) + given
                if name not in taken:
                    taken.add(name)
                    break
            if kind == StaffKind.OFFICER and index == 0:
                name, what = "张晋源", "警务站负责人"
            elif kind == StaffKind.GRID_WORKER:
                what = f"第{index // 2 + 1}网格{duty}"
            elif kind == StaffKind.BUILDING_HEAD:
                what = f"{index // 2 + 1}栋{duty}"
            else:
                what = duty
            members.append((name, kind, what, str(ZHANGPING_PHONES + n), index % 2))
    return members


def seed_zhangping_forces() -> int:
    """The post's 170-odd members in one bulk insert; those there already (by phone) are
    left alone. Returns how many were created."""
    post = Post.objects.filter(station__code="500107-shiqiaopu", name=ZHANGPING_POST).first()
    if post is None:
        return 0
    communities = list(post.communities.order_by("name"))  # 张坪社区, 玉清寺社区
    there = set(
        StaffAssignment.objects.filter(station_id=post.station_id, post=post).values_list(
            "phone", flat=True
        )
    )
    rows = [
        StaffAssignment(
            station_id=post.station_id,
            post=post,
            community=communities[side % len(communities)] if communities else None,
            name=name,
            kind=kind,
            unit=StationUnit.COMMUNITY_TEAM
            if kind in (StaffKind.OFFICER, StaffKind.AUXILIARY)
            else StationUnit.JOINT_FORCE,
            duty=duty,
            phone=phone,
            started_on=post.opened_on or date(2020, 11, 1),
        )
        for name, kind, duty, phone, side in zhangping_forces()
        if phone not in there
    ]
    StaffAssignment.objects.bulk_create(rows, batch_size=500)
    return len(rows)


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
    tian = User.objects.get(username="xietaizi_community")
    tian_district = PoliceDistrict.objects.filter(post=tian.post).first()
    if tian_district is not None:
        tian_district.responsible_officers.add(tian)
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
    seed_zhangping_forces()
    return created + _seed_telephone()


DESK_EXTENSION = "8001"  # 陈晓东's desk phone
PBX_USER = "xipeng_pbx"  # the station's telephone system (manage.py ring, README)


def _seed_telephone() -> int:
    """陈晓东's desk phone and the account the station's telephone system reports calls with."""
    desk = User.objects.get(username="xipeng_desk")
    if desk.desk_extension != DESK_EXTENSION:
        desk.desk_extension = DESK_EXTENSION
        desk.save(update_fields=["desk_extension"])
    pbx, was_created = User.objects.get_or_create(
        username=PBX_USER,
        defaults={
            "last_name": "西彭派出所电话系统",
            "station": desk.station,
            "bureau": desk.bureau,
        },
    )
    if was_created:
        pbx.set_password(DEMO_PASSWORD)
        pbx.save()
    pbx.groups.set([Group.objects.get(name=roles.TELEPHONE_SYSTEM)])
    return int(was_created)
