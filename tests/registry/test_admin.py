"""Admin picks addresses and housing by their address, within the admin's own bureau."""

from django.urls import reverse

from apps.core.testing.personas import JLP_ADMIN, YUBEI_ADMIN

from .factories import AddressFactory, HousingFactory


def housing_choices(client, term) -> list[str]:
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "residence", "field_name": "housing", "term": term},
    )
    assert answer.status_code == 200
    return [row["text"] for row in answer.json()["results"]]


def test_housing_is_picked_by_its_address_and_only_in_the_admins_bureau(client, org):
    housing = HousingFactory(address=AddressFactory(community=org.yingxin, number="12", room="501"))
    client.force_login(org.user(JLP_ADMIN))
    page = client.get(reverse("admin:registry_residence_add")).content.decode()
    assert 'class="admin-autocomplete' in page and 'name="housing"' in page
    assert housing_choices(client, "白彭路12号") == [str(housing)] == ["迎新村白彭路12号1栋501室"]
    client.force_login(org.user(YUBEI_ADMIN))
    assert housing_choices(client, "白彭路12号") == []
