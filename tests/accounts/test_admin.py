from django.urls import reverse

from apps.accounts.models import User
from apps.core.testing.personas import JLP_ADMIN, XIPENG_DESK, YUBEI_ADMIN


def test_a_sub_bureau_admin_creates_an_account_in_their_bureau(client, org):
    client.force_login(org.user(JLP_ADMIN))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "xipeng_new",
            "password1": "Jingwu!2026x",
            "password2": "Jingwu!2026x",
            "kind": "officer",
            "station": org.xipeng.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = User.objects.get(username="xipeng_new")
    assert (user.station, user.bureau) == (org.xipeng, org.jiulongpo)


def test_a_sub_bureau_admin_cannot_place_an_account_in_another_bureau(client, org):
    client.force_login(org.user(JLP_ADMIN))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "intruder",
            "password1": "Jingwu!2026x",
            "password2": "Jingwu!2026x",
            "kind": "officer",
            "station": org.shuangfeng.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="intruder").exists()


def test_a_sub_bureau_admin_cannot_grant_superuser_rights(client, org):
    client.force_login(org.user(JLP_ADMIN))
    desk = org.user(XIPENG_DESK)
    page = client.get(reverse("admin:accounts_user_change", args=[desk.pk])).content.decode()
    assert 'name="is_superuser"' not in page


def test_another_bureaus_admin_gets_404_for_the_account(client, org):
    client.force_login(org.user(YUBEI_ADMIN))
    desk = org.user(XIPENG_DESK)
    assert client.get(reverse("admin:accounts_user_change", args=[desk.pk])).status_code == 404
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert XIPENG_DESK not in listing


def test_sub_bureau_admins_do_not_create_bureaus(client, org):
    client.force_login(org.user(JLP_ADMIN))
    assert client.get(reverse("admin:stations_bureau_add")).status_code == 403
