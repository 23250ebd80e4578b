"""Village boundaries: a GeoJSON FeatureCollection matched by name sets them, all or
nothing, with a clear Chinese refusal; admin's upload goes through the same service; and
the demo ships approximate ones for 西彭."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.errors import DomainError, NotAllowed, OutOfScope
from apps.core.testing.factories import CommunityFactory
from apps.core.testing.personas import JLP_ADMIN, SHUANGFENG_DESK, XIPENG_DESK, YUBEI_ADMIN
from apps.stations.boundaries import MAX_BOUNDARY_POINTS
from apps.stations.models import Community, Station
from apps.stations.services import community_boundaries_import
from devtools.demo.stations import seed_boundaries, seed_organisation

pytestmark = pytest.mark.django_db


def square(lat, lon, half=0.01):
    lat, lon = float(lat), float(lon)
    west, east, south, north = (
        round(v, 6) for v in (lon - half, lon + half, lat - half, lat + half)
    )
    ring = [[west, south], [east, south], [east, north], [west, north]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def collection(*features, **extra) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            **extra,
            "features": [
                {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
                for name, geometry in features
            ],
        },
        ensure_ascii=False,
    ).encode()


@pytest.fixture
def nibi(org):
    return CommunityFactory(station=org.xipeng, name="泥璧村", latitude=Decimal("29.53"))


def refusal(org, data, by=JLP_ADMIN) -> str:
    with pytest.raises(DomainError) as refused:
        community_boundaries_import(by=org.user(by), station=org.xipeng, data=data)
    return refused.value.message


def test_it_sets_the_boundaries_of_the_villages_the_file_names(org, nibi):
    yingxin = org.yingxin
    data = collection(
        ("迎新村", square(yingxin.latitude, yingxin.longitude)),
        ("泥璧村", square(nibi.latitude, nibi.longitude)),
    )
    assert community_boundaries_import(by=org.user(JLP_ADMIN), station=org.xipeng, data=data) == 2
    yingxin.refresh_from_db()
    assert yingxin.boundary == square(yingxin.latitude, yingxin.longitude)
    assert Community.objects.get(pk=nibi.pk).boundary["type"] == "Polygon"


def test_it_keeps_only_the_geometry_rounded_to_six_decimals(org):
    ring = [
        [106.5212345678, 29.51],
        [106.53, 29.51, 250.0],
        [106.53, 29.53],
        [106.5212345678, 29.51],
    ]
    geometry = {"type": "MultiPolygon", "coordinates": [[ring]], "bbox": [0, 0, 0, 0]}
    community_boundaries_import(
        by=org.user(JLP_ADMIN), station=org.xipeng, data=collection(("迎新村", geometry))
    )
    org.yingxin.refresh_from_db()
    assert org.yingxin.boundary == {
        "type": "MultiPolygon",
        "coordinates": [
            [[[106.521235, 29.51], [106.53, 29.51], [106.53, 29.53], [106.521235, 29.51]]]
        ],
    }


def test_one_unknown_name_refuses_the_whole_file(org, nibi):
    data = collection(
        ("泥璧村", square(nibi.latitude, nibi.longitude)), ("宝华村", square(29.52, 106.52))
    )
    assert refusal(org, data) == "西彭派出所没有以下名称的村（社区）：宝华村。"
    assert not Community.objects.filter(boundary__isnull=False).exists()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {"type": "Point", "coordinates": [106.52, 29.52]},
            "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。",
        ),
        (None, "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[106.51, 29.51], [106.53, 29.51], [106.53, 29.53]]],
            },
            "边界的每个环至少需要四个点，且最后一个点与第一个点相同。",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[106.51, 29.51], [106.53, 29.51], [106.53, 29.53], [106.52, 29.52]]
                ],
            },
            "边界的每个环至少需要四个点，且最后一个点与第一个点相同。",
        ),
        (
            # Latitude first: the classic slip.
            {
                "type": "Polygon",
                "coordinates": [
                    [[29.51, 106.51], [29.51, 106.53], [29.53, 106.53], [29.51, 106.51]]
                ],
            },
            "边界点（29.51, 106.51）不在中国境内：请确认是 WGS 84 坐标，且顺序为[经度, 纬度]。",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [["106.51", 29.51], [106.53, 29.51], [106.53, 29.53], ["106.51", 29.51]]
                ],
            },
            "边界点必须是以度为单位的[经度, 纬度]。",
        ),
    ],
)
def test_a_broken_geometry_is_refused_with_the_villages_name(org, geometry, message):
    assert refusal(org, collection(("迎新村", geometry))) == f"迎新村：{message}"
    org.yingxin.refresh_from_db()
    assert org.yingxin.boundary is None


def test_a_boundary_too_detailed_is_refused(org):
    n = MAX_BOUNDARY_POINTS
    ring = [[106.5 + 0.02 * i / n, 29.51 + (0.0001 if i % 2 else 0)] for i in range(n)]
    geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    message = refusal(org, collection(("迎新村", geometry)))
    assert message == f"迎新村：一个边界最多 {n} 个点（此边界有 {n + 1} 个）：请先简化。"


def test_a_boundary_far_from_its_village_is_refused(org):
    # 双凤's latitude: the right shape, the wrong village (or the wrong coordinates).
    message = refusal(org, collection(("迎新村", square(29.77, 106.62))))
    assert message.startswith("迎新村：边界距该村（社区）登记位置 ") and "WGS 84" in message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n", "文件不是有效的 GeoJSON（UTF-8 编码的 JSON）"),
        (b'{"type": "Feature"}', "文件必须是 GeoJSON 的 FeatureCollection。"),
        (collection(), "文件中没有任何要素。"),
        (collection(("", square(29.52, 106.52))), "第 1 个要素没有名称（properties.name）。"),
        (
            collection(("迎新村", square(29.52, 106.52)), ("迎新村", square(29.52, 106.52))),
            "文件中“迎新村”出现了不止一次。",
        ),
        (
            collection(
                ("迎新村", square(29.52, 106.52)),
                crs={"type": "name", "properties": {"name": "EPSG:4490"}},
            ),
            "文件坐标系为 EPSG:4490；请以 WGS 84（EPSG:4326）导出。",
        ),
    ],
)
def test_a_file_that_is_not_a_named_feature_collection_is_refused(org, data, message):
    assert refusal(org, data).startswith(message)


def test_a_utf8_file_with_a_byte_order_mark_and_a_wgs84_crs_is_read(org):
    data = collection(
        ("迎新村", square(29.52, 106.52)),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    assert (
        community_boundaries_import(
            by=org.user(JLP_ADMIN), station=org.xipeng, data=b"\xef\xbb\xbf" + data
        )
        == 1
    )


def test_another_bureau_and_a_role_without_the_right_are_refused(org):
    data = collection(("迎新村", square(29.52, 106.52)))
    with pytest.raises(OutOfScope):
        community_boundaries_import(by=org.user(YUBEI_ADMIN), station=org.xipeng, data=data)
    with pytest.raises(NotAllowed):
        community_boundaries_import(by=org.user(XIPENG_DESK), station=org.xipeng, data=data)
    with pytest.raises(NotAllowed):
        community_boundaries_import(by=org.user(SHUANGFENG_DESK), station=org.xipeng, data=data)
    org.yingxin.refresh_from_db()
    assert org.yingxin.boundary is None


def test_the_model_field_keeps_the_same_rule(org):
    org.yingxin.boundary = {"type": "Polygon", "coordinates": [[[106.51, 29.51], [106.53, 29.51]]]}
    with pytest.raises(ValidationError) as refused:
        org.yingxin.full_clean()
    assert refused.value.message_dict["boundary"] == [
        "边界的每个环至少需要四个点，且最后一个点与第一个点相同。"
    ]
    org.yingxin.boundary = square(29.52, 106.52)
    org.yingxin.full_clean()


# --- Admin ----------------------------------------------------------------------------------


def test_the_sub_bureau_admin_imports_a_file_in_admin(client, org, nibi):
    client.force_login(org.user(JLP_ADMIN))
    changelist = client.get(reverse("admin:stations_community_changelist")).content.decode()
    url = reverse("admin:stations_community_import_boundaries")
    assert url in changelist and "导入边界" in changelist
    upload = SimpleUploadedFile(
        "xipeng.geojson", collection(("泥璧村", square(nibi.latitude, nibi.longitude)))
    )
    response = client.post(url, {"station": org.xipeng.pk, "file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:stations_community_changelist")
    assert "已导入 1 个村（社区）的边界。" in response.content.decode()
    assert Community.objects.get(pk=nibi.pk).boundary is not None


def test_a_refused_file_is_shown_back_in_admin_and_changes_nothing(client, org):
    client.force_login(org.user(JLP_ADMIN))
    upload = SimpleUploadedFile("xipeng.geojson", collection(("宝华村", square(29.52, 106.52))))
    response = client.post(
        reverse("admin:stations_community_import_boundaries"),
        {"station": org.xipeng.pk, "file": upload},
    )
    assert response.status_code == 200
    assert "西彭派出所没有以下名称的村（社区）：宝华村。" in response.content.decode()
    assert not Community.objects.filter(boundary__isnull=False).exists()


def test_admin_offers_only_the_stations_of_the_admins_bureau(client, org):
    client.force_login(org.user(YUBEI_ADMIN))
    page = client.get(reverse("admin:stations_community_import_boundaries")).content.decode()
    assert "双凤派出所" in page and "西彭派出所" not in page
    upload = SimpleUploadedFile("x.geojson", collection(("迎新村", square(29.52, 106.52))))
    response = client.post(
        reverse("admin:stations_community_import_boundaries"),
        {"station": org.xipeng.pk, "file": upload},
    )
    assert response.status_code == 200 and Community.objects.get(pk=org.yingxin.pk).boundary is None


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_ships_approximate_boundaries_for_xipengs_villages(django_user_model):
    django_user_model.objects.create_superuser("admin", password="x")
    seed_organisation()
    assert seed_boundaries() == 28  # all 25 villages and 3 committees (issue 17)
    xipeng = Station.objects.get(code="500107-xipeng")
    villages = Community.objects.filter(station=xipeng)
    assert not villages.filter(boundary__isnull=True).exists()
    # Around 西彭镇 (九龙坡区), and each village's own position inside its cell.
    for village in villages:
        [ring] = village.boundary["coordinates"]
        lons, lats = zip(*ring, strict=True)
        assert 106.26 < min(lons) < max(lons) < 106.37
        assert 29.28 < min(lats) < max(lats) < 29.40
        assert min(lons) < village.longitude < max(lons)
        assert min(lats) < village.latitude < max(lats)
    assert not Community.objects.exclude(station=xipeng).filter(boundary__isnull=False).exists()
