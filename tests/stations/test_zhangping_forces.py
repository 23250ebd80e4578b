"""张坪警务站's joint force of the seed (9 民警, 5 辅警, 27 平安家园护卫队, 28 网格员, 100余名
楼栋长), seeded once, and the pages that list a post's staff at that size."""

from collections import Counter

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.stations.choices import StaffKind
from apps.stations.models import Post, StaffAssignment
from devtools.demo.accounts import seed_users, seed_zhangping_forces


@pytest.fixture
def zhangping(demo_people):
    return Post.objects.get(name="张坪警务站")


def test_the_post_has_the_joint_force_of_the_seed_once(zhangping):
    kinds = Counter(StaffAssignment.objects.filter(post=zhangping).values_list("kind", flat=True))
    assert kinds[StaffKind.OFFICER] == 9  # with 张伟, who has the post's login
    assert kinds[StaffKind.AUXILIARY] == 5
    assert kinds[StaffKind.SAFETY_GUARD] == 27
    assert kinds[StaffKind.GRID_WORKER] == 28
    assert kinds[StaffKind.BUILDING_HEAD] > 100
    assert StaffAssignment.objects.filter(post=zhangping, name="张晋源").exists()
    phones = list(StaffAssignment.objects.filter(post=zhangping).values_list("phone", flat=True))
    phones = [p for p in phones if p]
    assert len(phones) == len(set(phones))
    assert all(p.startswith("1398300") for p in phones)
    assert seed_zhangping_forces() == 0
    assert seed_users() == 0


def test_the_post_page_counts_the_joint_force_and_the_staff_list_pages_it(
    zhangping, client, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="shiqiaopu_community"))
    with django_assert_max_num_queries(20) as captured:
        page = client.get(zhangping.get_absolute_url()).content.decode()
    few = len(captured)
    assert "楼栋长" in page and "106" in page
    assert "张晋源" in page
    # The joint forces are counted, not listed, on the post's page.
    assert page.count("/stations/staff/") < 20
    assert f"?post={zhangping.pk}" in page
    staff = client.get(reverse("stations:staff_list"), {"post": zhangping.pk})
    assert staff.status_code == 200
    assert staff.context["page_obj"].paginator.per_page == 50
    assert staff.context["page_obj"].has_next()
    # As many queries with a hundred more members.
    seeded = StaffAssignment.objects.filter(post=zhangping).count()
    StaffAssignment.objects.bulk_create(
        StaffAssignment(
            station_id=zhangping.station_id,
            post=zhangping,
            name=f"楼栋长{n}",
            kind=StaffKind.BUILDING_HEAD,
            phone=f"1398300{5000 + n}",
        )
        for n in range(100)
    )
    assert StaffAssignment.objects.filter(post=zhangping).count() == seeded + 100
    with django_assert_max_num_queries(few):
        client.get(zhangping.get_absolute_url())
    with django_assert_max_num_queries(len(captured) + 20) as listed:
        client.get(reverse("stations:staff_list"), {"post": zhangping.pk, "page": 2})
    many = len(listed)
    with django_assert_max_num_queries(many):
        client.get(reverse("stations:staff_list"), {"post": zhangping.pk, "page": 4})
