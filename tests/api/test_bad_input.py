"""Inputs that once gave a 500: each is a 400 in the one error shape, in Chinese.

The schema fuzz (test_schema_fuzz.py) draws values the schema allows; these are the values
at and past its edges, and the sequences it does not make (create, then create again)."""

from datetime import date

import pytest
import yaml
from django.db import IntegrityError
from django.urls import reverse

from apps.core.idnumbers import MALE, make_id_number
from apps.core.testing.personas import XIPENG_DESK, XIPENG_LEADER
from apps.registry.api import serializers as person_serializers
from apps.registry.models import Person
from apps.stations.models import PoliceDistrict
from tests.registry.factories import PersonFactory

from .test_errors import error

LI_MING = make_id_number(region="500107", birth_date=date(1985, 3, 7), sequence=12, gender=MALE)


@pytest.fixture
def desk(client, org):
    client.force_login(org.user(XIPENG_DESK))
    return client


def chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


# --- ages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", ["age_min", "age_max"])
@pytest.mark.parametrize("value", ["2027", "1e9", "2025.5", "-1", "151"])
def test_an_impossible_age_is_a_400(desk, param, value):
    response = desk.get(reverse("person-list"), {param: value})
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid" and param in body["fields"]
    assert chinese(body["fields"][param][0])


def test_the_oldest_age_still_filters(desk, org):
    PersonFactory(station=org.xipeng, birth_date=date(1930, 1, 1))
    for param in ("age_min", "age_max"):
        assert desk.get(reverse("person-list"), {param: "150"}).status_code == 200


@pytest.mark.parametrize("value", ["2025.5", "1e9", "2027"])
def test_the_sieve_page_shows_an_impossible_age_as_a_form_error(desk, value):
    response = desk.get(reverse("registry:person_list"), {"age_max": value})
    assert response.status_code == 200
    assert response.context["filter"].errors["age_max"]


# --- JSON nesting ----------------------------------------------------------------------------

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize("url", ["person-list", "auth-token"])
def test_a_body_nested_ten_thousand_deep_is_a_400(desk, url):
    response = desk.post(reverse(url), DEEP, content_type="application/json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid" and chinese(body["message"])


def test_a_view_with_its_own_parsers_refuses_it_too(desk, org):
    # The incidents' API names its parsers (JSON and uploads) instead of the defaults.
    response = desk.post(reverse("incident-list"), DEEP, content_type="application/json")
    assert response.status_code == 400
    assert chinese(error(response)["message"])


# --- the same ID number twice ------------------------------------------------------------------


def create(client, org, number=LI_MING):
    return client.post(
        reverse("person-list"),
        {"station": org.xipeng.pk, "name": "李明", "id_number": number, "category": "floating"},
        content_type="application/json",
    )


def test_create_then_create_again_is_a_400(desk, org):
    assert create(desk, org).status_code == 201
    again = create(desk, org)
    assert again.status_code == 400
    assert chinese(error(again)["fields"]["id_number"][0])
    assert Person.objects.count() == 1


@pytest.fixture
def racing(monkeypatch):
    """Another desk registers the number between the serializer's check and the save."""
    monkeypatch.setattr(person_serializers, "id_number_taken", lambda **kwargs: None)


def test_a_duplicate_that_slips_past_the_check_is_a_400_not_a_500(desk, org, racing):
    existing = PersonFactory(
        station=org.xipeng, name="李明", id_number=LI_MING, birth_date=date(1985, 3, 7)
    )
    response = create(desk, org)
    assert response.status_code == 400
    message = error(response)["fields"]["id_number"][0]
    assert chinese(message) and f"人员 {existing.pk}" in message


def test_a_duplicate_out_of_scope_says_not_where(desk, org, racing):
    PersonFactory(
        station=org.shuangfeng, name="李明", id_number=LI_MING, birth_date=date(1985, 3, 7)
    )
    response = create(desk, org)
    assert response.status_code == 400
    message = error(response)["fields"]["id_number"][0]
    assert chinese(message)
    assert org.shuangfeng.name not in message and "李明" not in message


def test_another_integrity_error_is_not_passed_off_as_a_duplicate(desk, org, monkeypatch):
    def broken(self, *args, **kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(Person, "save", broken)
    with pytest.raises(IntegrityError):
        create(desk, org)


# --- every number and date filter at and past its edges ------------------------------------------

EDGES = ["-1", "2027", "1e9", "2025.5", "99999999999999999999", "0000-00-00", "²"]


def typed_query_parameters(schema):
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for param in operation.get("parameters", []):
            kind = param.get("schema", {})
            if param["in"] == "query" and (
                kind.get("type") in ("integer", "number")
                or kind.get("format") in ("date", "date-time")
            ):
                yield path, param["name"]


def test_no_number_or_date_filter_answers_a_500_at_its_edges(desk):
    schema = yaml.safe_load(desk.get("/api/schema/").content)
    checked, failed = 0, []
    for path, name in typed_query_parameters(schema):
        for value in EDGES:
            try:
                response = desk.get(path, {name: value})
            except Exception as exc:
                failed.append((path, name, value, type(exc).__name__))
                continue
            if response.status_code >= 500:
                failed.append((path, name, value, response.status_code))
            elif response.status_code == 400:
                error(response)
            checked += 1
    assert failed == []
    assert checked > 100  # the sweep reached the schema's filters


# --- a body that is no form ------------------------------------------------------------------


def test_a_broken_multipart_body_is_401_for_anonymous_and_400_after_login(client, org):
    """The schema fuzz once drew a multipart body without a boundary: parsed before the login
    was checked, it told an anonymous caller 400 instead of 401."""
    url, broken = reverse("policedistrict-list"), "multipart/form-data"
    assert client.generic("POST", url, b"name=x", content_type=broken).status_code == 401
    client.force_login(org.user(XIPENG_LEADER))
    response = client.generic("POST", url, b"name=x", content_type=broken)
    assert response.status_code == 400
    assert error(response)["message"] == "无法读取请求体：请发送格式正确的 JSON 或表单。"
    assert not PoliceDistrict.objects.filter(name="x").exists()
