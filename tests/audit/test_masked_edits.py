"""Edit forms and admin pages of records with personal data, which the site audit found
showing it in full: a form shows the value masked and keeps it when the mask comes back;
admin without the permission leaves the field out (and still opens)."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import XIPENG_DESK
from apps.registry.models import Person
from tests.registry.factories import PersonFactory

PHONE = "13983005678"


def edit(client, person, **changes):
    data = {
        "station": person.station_id,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "ethnicity": person.ethnicity,
        "phone": "139****5678",
        "domicile_address": person.domicile_address,
        "category": person.category,
        **changes,
    }
    return client.post(reverse("registry:person_update", args=[person.pk]), data)


def test_the_edit_form_shows_the_phone_masked_even_to_those_who_may_reveal_it(client, org):
    person = PersonFactory(station=org.xipeng, phone=PHONE)
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("registry:person_update", args=[person.pk])).content.decode()
    assert "139****5678" in page and PHONE not in page


def test_sending_the_mask_back_keeps_the_stored_phone(client, org):
    person = PersonFactory(station=org.xipeng, phone=PHONE)
    client.force_login(org.user(XIPENG_DESK))
    assert edit(client, person, name="改名").status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone) == ("改名", PHONE)


def test_a_new_phone_typed_over_the_mask_is_saved(client, org):
    person = PersonFactory(station=org.xipeng, phone=PHONE)
    client.force_login(org.user(XIPENG_DESK))
    assert edit(client, person, phone="13700009999").status_code == 302
    assert Person.objects.get(pk=person.pk).phone == "13700009999"


def test_the_user_admin_opens_without_the_phone_for_an_admin_without_the_permission(client, org):
    admin_user = UserFactory(bureau=org.jiulongpo, is_staff=True)
    admin_user.user_permissions.set(
        Permission.objects.filter(codename__in=["use_admin", "view_user", "change_user"])
    )
    officer = org.user(XIPENG_DESK)
    officer.phone = "13700008888"
    officer.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounts_user_change", args=[officer.pk]))
    assert response.status_code == 200  # was a 500: the fieldsets named the hidden field
    assert "13700008888" not in response.content.decode()


def test_a_citizens_account_name_is_their_phone_and_shown_masked(org):
    citizen = org.users["citizen"]
    citizen.username, citizen.last_name, citizen.first_name = "13700008888", "王", "小红"
    assert str(citizen) == "王小红 (137****8888)"
    assert str(org.user(XIPENG_DESK)) == "xipeng_desk"  # officers keep their account name
