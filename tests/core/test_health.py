import os
from unittest import mock

from django.db.utils import OperationalError


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("apps.core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["database unavailable"]


def test_it_answers_degraded_but_200_when_redis_is_configured_but_down(client, db, settings):
    # Pages and saves still work without Redis: a load balancer must keep the instance.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "problems": ["redis unavailable"]}


def test_it_answers_ok_with_the_configured_redis(client, db, settings):
    # In CI REDIS_URL names the real server, which must answer; embedded, there is none.
    settings.REDIS_URL = os.environ.get("REDIS_URL", "")
    assert client.get("/healthz").status_code == 200
