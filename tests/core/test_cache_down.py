"""Redis stopped under the cache (django-redis with IGNORE_EXCEPTIONS, as settings configure
it when REDIS_URL is set): every cache call answers "miss" at once instead of failing, and
each use of the cache does what README "Faults" says. Nothing listens on port 1, so the
failure is a real refused connection, not a mock."""

import pytest
from django.urls import reverse

from apps.accounts import citizens
from apps.accounts.backends import forget_permissions
from apps.accounts.choices import CodePurpose
from apps.core.errors import DomainError
from apps.core.ratelimit import count_hit
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_DESK
from apps.permits import verify

REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = REDIS_DOWN


def test_pages_and_the_api_are_served_with_permissions_read_from_the_database(
    client, org, cache_down
):
    client.force_login(org.user(XIPENG_DESK))
    assert client.get("/").status_code == 200
    assert client.get(reverse("post-list")).status_code == 200
    forget_permissions()  # a role change: the bump is lost, nothing fails
    assert client.post(reverse("post-list"), {}, content_type="application/json").status_code == (
        403
    )


def test_the_counter_of_a_rate_limit_says_it_cannot_count(cache_down):
    assert count_hit("x", 60) is None


def test_it_counts_with_a_cache_that_answers():
    assert [count_hit("y", 60) for _ in range(3)] == [1, 2, 3]


def test_document_checks_and_sms_codes_per_address_are_let_through_when_nothing_counts(
    db, cache_down
):
    for _ in range(verify.VERIFY_PER_MINUTE + 5):
        assert verify.over_limit("10.9.8.7") is False
    for n in range(citizens.CODES_PER_HOUR_PER_ADDRESS + 5):
        citizens.phone_code_send(
            phone=f"1390000{n:04d}", purpose=CodePurpose.SIGNUP, client_ip="10.9.8.7"
        )
    # The limit per phone is kept in the database: it still holds.
    with pytest.raises(DomainError):
        citizens.phone_code_send(
            phone="13900000000", purpose=CodePurpose.SIGNUP, client_ip="10.9.8.7"
        )


def test_login_lockouts_do_not_depend_on_the_cache(client, org, cache_down):
    # django-axes keeps failures in the database (its default handler).
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": XIPENG_DESK, "password": "wrong"})
    response = client.post(url, {"username": XIPENG_DESK, "password": PASSWORD})
    assert response.status_code == 429


def test_the_token_endpoint_throttle_lets_requests_through(client, org, cache_down):
    # Its 10 a minute are counted in the cache; password guessing stays locked by axes.
    body = {"username": XIPENG_DESK, "password": PASSWORD, "device": "tablet"}
    url = reverse("auth-token")
    codes = [client.post(url, body, content_type="application/json").status_code for _ in range(12)]
    assert codes == [201] * 12
