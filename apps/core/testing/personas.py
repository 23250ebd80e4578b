"""The named people every test speaks of.

A small organisation: 九龙坡区分局 with 西彭派出所 (park post 西彭园区警务站) and 石桥铺派出所,
and 渝北区分局 with 双凤派出所. Each persona is a user with one role, placed where that role
works; `anonymous` is nobody logged in.
"""

from dataclasses import dataclass, field
from typing import Any

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.stations.models import Bureau, Community, PoliceDistrict, Post, Station

from .factories import (
    BureauFactory,
    CommunityFactory,
    PoliceDistrictFactory,
    PostFactory,
    StationFactory,
    UserFactory,
)

ANONYMOUS = "anonymous"
CITIZEN = "citizen"
MEDIATOR = "xipeng_mediator"
XIPENG_DESK = "xipeng_desk"
XIPENG_COMMUNITY = "xipeng_community"
XIPENG_CASE = "xipeng_case"
XIPENG_LEADER = "xipeng_leader"
SHUANGFENG_DESK = "shuangfeng_desk"
JLP_ADMIN = "jlp_admin"
JLP_LEGAL = "jlp_legal"
YUBEI_ADMIN = "yubei_admin"
SUPERUSER = "superuser"

PERSONAS = [
    ANONYMOUS,
    CITIZEN,
    MEDIATOR,
    XIPENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_CASE,
    XIPENG_LEADER,
    SHUANGFENG_DESK,
    JLP_ADMIN,
    JLP_LEGAL,
    YUBEI_ADMIN,
    SUPERUSER,
]
# Who can see 西彭's records at all, whatever their role permits.
SEES_XIPENG = {
    MEDIATOR,
    XIPENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_CASE,
    XIPENG_LEADER,
    JLP_ADMIN,
    JLP_LEGAL,
    SUPERUSER,
}
# Who may use Django admin.
ADMIN_USERS = {JLP_ADMIN, YUBEI_ADMIN, SUPERUSER}


@dataclass
class Org:
    jiulongpo: Bureau
    yubei: Bureau
    xipeng: Station
    shiqiaopu: Station
    shuangfeng: Station
    park_post: Post
    park_district: PoliceDistrict
    yingxin: Community
    shuangfeng_post: Post
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return None if persona == ANONYMOUS else self.users[persona]


def build_org() -> Org:
    jiulongpo = BureauFactory.create(code="500107", name="九龙坡区分局")
    yubei = BureauFactory.create(code="500112", name="渝北区分局")
    xipeng = StationFactory.create(
        bureau=jiulongpo, code="500107-xipeng", organ_code="500107530100", name="西彭派出所"
    )
    shiqiaopu = StationFactory.create(
        bureau=jiulongpo, code="500107-shiqiaopu", organ_code="500107530200", name="石桥铺派出所"
    )
    shuangfeng = StationFactory.create(
        bureau=yubei, code="500112-shuangfeng", organ_code="500112530100", name="双凤派出所"
    )
    park_post = PostFactory.create(station=xipeng, name="西彭园区警务站")
    park_district = PoliceDistrictFactory.create(station=xipeng, name="园区警区", post=park_post)
    yingxin = CommunityFactory.create(
        station=xipeng, name="迎新村", district=park_district, post=park_post
    )
    org = Org(
        jiulongpo=jiulongpo,
        yubei=yubei,
        xipeng=xipeng,
        shiqiaopu=shiqiaopu,
        shuangfeng=shuangfeng,
        park_post=park_post,
        park_district=park_district,
        yingxin=yingxin,
        shuangfeng_post=PostFactory.create(station=shuangfeng, name="空港警务站"),
    )
    # A user's fields and role, by persona.
    specs: dict[str, dict[str, Any]] = {
        CITIZEN: dict(role=roles.CITIZEN, kind=UserKind.CITIZEN),
        MEDIATOR: dict(role=roles.MEDIATOR, kind=UserKind.MEDIATOR, station=xipeng),
        XIPENG_DESK: dict(role=roles.DESK_OFFICER, station=xipeng),
        XIPENG_COMMUNITY: dict(role=roles.COMMUNITY_OFFICER, station=xipeng, post=park_post),
        XIPENG_CASE: dict(role=roles.CASE_OFFICER, station=xipeng),
        XIPENG_LEADER: dict(role=roles.STATION_LEADER, station=xipeng),
        SHUANGFENG_DESK: dict(role=roles.DESK_OFFICER, station=shuangfeng),
        JLP_ADMIN: dict(role=roles.BUREAU_ADMIN, bureau=jiulongpo, is_staff=True),
        JLP_LEGAL: dict(role=roles.LEGAL_AFFAIRS, bureau=jiulongpo),
        YUBEI_ADMIN: dict(role=roles.BUREAU_ADMIN, bureau=yubei, is_staff=True),
        SUPERUSER: dict(is_superuser=True, is_staff=True),
    }
    for persona, spec in specs.items():
        org.users[persona] = UserFactory.create(username=persona, **spec)
    park_district.responsible_officers.add(org.users[XIPENG_COMMUNITY])
    return org
