"""With DEBUG off (as in production; pytest-django turns it off), an error shows a plain
page or the API's error shape, never a traceback or the exception's text, and the database
being unreachable is a 503 with Retry-After, wherever the error arises. The real outage,
a PostgreSQL stopped under a running app, is in tests/core/test_faults.py."""

from unittest import mock

import pytest
from django.conf import settings
from django.db.utils import InterfaceError, OperationalError, ProgrammingError

from apps.core.testing.personas import XIPENG_DESK
from apps.stations.views import StationList

from .urls_boom import SECRET

LEAKS = ("Traceback", "RuntimeError", "OperationalError", "110105199001011234", 'File "')


def assert_nothing_leaks(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text
    assert SECRET not in text


@pytest.fixture
def lenient_client(client):
    client.raise_request_exception = False  # answer as the server would, not re-raise
    return client


@pytest.mark.urls("tests.core.urls_boom")
def test_a_failing_page_shows_the_plain_500_page(lenient_client, db):
    assert settings.DEBUG is False
    response = lenient_client.get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "系统出现错误" in text
    assert_nothing_leaks(text)


@pytest.mark.urls("tests.core.urls_boom")
def test_a_failing_api_call_answers_in_the_error_shape(lenient_client, db):
    response = lenient_client.get("/api/v1/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side. Please try again.",
        }
    }
    assert_nothing_leaks(response.content.decode())


DOWN = OperationalError('connection to server at "10.1.2.3", port 5432 failed: refused')


@pytest.fixture
def database_down_under_the_session(lenient_client, org):
    """Logged in; then every session load fails as with the server stopped and the session
    not in the cache (cached_db then reads the database): the error arises in the
    middleware (the user is loaded before any view runs)."""
    lenient_client.force_login(org.user(XIPENG_DESK))
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.load", side_effect=DOWN
    ):
        yield lenient_client


def test_a_page_answers_503_with_a_short_message_and_reads_nothing_more(
    database_down_under_the_session, django_assert_num_queries
):
    with django_assert_num_queries(0):  # the 503 page itself needs no database
        response = database_down_under_the_session.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "系统暂时无法使用" in text and "briefly unavailable" in text
    assert_nothing_leaks(text)
    assert "10.1.2.3" not in text


def test_an_api_call_answers_503_in_the_error_shape(database_down_under_the_session):
    response = database_down_under_the_session.get("/api/v1/posts/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": {
            "code": "unavailable",
            "message": "The service is briefly unavailable. Please retry.",
        }
    }


def test_a_lost_connection_in_a_view_is_a_503_too(lenient_client, org):
    lenient_client.force_login(org.user(XIPENG_DESK))
    with mock.patch.object(
        StationList, "get_queryset", side_effect=InterfaceError("connection already closed")
    ):
        response = lenient_client.get("/org/stations/")
    assert response.status_code == 503
    assert_nothing_leaks(response.content.decode())


def test_other_database_errors_stay_plain_500s(lenient_client, org):
    lenient_client.force_login(org.user(XIPENG_DESK))
    with mock.patch.object(
        StationList, "get_queryset", side_effect=ProgrammingError('relation "x" does not exist')
    ):
        response = lenient_client.get("/org/stations/")
    assert response.status_code == 500
    assert_nothing_leaks(response.content.decode())


@pytest.mark.parametrize("path", ["/", "/api/v1/posts/"])
def test_a_503_is_logged_as_one_line_without_the_traceback(lenient_client, org, caplog, path):
    # An outage answers hundreds of requests: each a line, not a traceback (issue 18 item 12).
    down = OperationalError(
        'connection to server at "10.1.2.3", port 5432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?"
    )
    lenient_client.force_login(org.user(XIPENG_DESK))
    caplog.clear()
    with (
        mock.patch(
            "django.contrib.sessions.backends.cached_db.SessionStore.load", side_effect=down
        ),
        caplog.at_level("INFO"),
    ):
        response = lenient_client.get(path)
    assert response.status_code == 503
    [record] = [r for r in caplog.records if r.levelno >= 30]
    assert record.exc_info is None and record.levelname == "WARNING"
    message = record.getMessage()
    assert "\n" not in message and f"503: GET {path}" in message
    assert "OperationalError" in message and "Is the server running" in message
