"""A password change keeps this session and ends every other session and device token."""

from django.test import Client
from django.urls import reverse

from apps.accounts.models import DeviceToken
from apps.accounts.services import device_token_issue
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK

NEW_PASSWORD = "Xin-mima-2026!"


def change_password(client: Client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_it_ends_the_other_sessions_and_tokens_but_keeps_this_one(org):
    user = org.user(XIPENG_COMMUNITY)
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert (
            client.post(
                reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
            ).status_code
            == 302
        )
    _, secret = device_token_issue(user=user, device="平板-01")

    response = change_password(here)

    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302  # to the login page
    assert not DeviceToken.objects.filter(user=user).exists()
    api = Client().get(reverse("auth-me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.status_code == 401
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(client, org):
    user = org.user(XIPENG_DESK)
    client.force_login(user)
    device_token_issue(user=user, device="平板-02")
    response = change_password(client, old="not-my-password")
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert DeviceToken.objects.filter(user=user).count() == 1


def test_an_admin_setting_a_password_also_ends_the_users_tokens(org):
    user = org.user(XIPENG_DESK)
    device_token_issue(user=user, device="平板-03")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not DeviceToken.objects.filter(user=user).exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(org):
    user = org.user(XIPENG_DESK)
    device_token_issue(user=user, device="平板-04")
    user.first_name = "新"
    user.save()
    assert DeviceToken.objects.filter(user=user).count() == 1
