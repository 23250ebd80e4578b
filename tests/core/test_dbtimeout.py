"""The bound on database calls (apps.core.dbtimeout) is on only while a request is served
through the WSGI application, from its start to its response's close; a frozen database
under a real gunicorn, and the cost per call, are in tests/core/test_faults.py."""

import pytest

from apps.core import dbtimeout


def _bound():
    return getattr(dbtimeout._local, "timeout", 0)


def test_the_bound_is_on_from_the_request_to_the_close_of_its_response():
    seen = {}

    class Body(list):
        def close(self):
            seen["close"] = _bound()  # Django's request_finished: connection checks

    def app(environ, start_response):
        seen["call"] = _bound()
        return Body([b"a", b"b"])

    wrapped = dbtimeout.bounded(app, timeout=3)
    assert _bound() == 0
    response = wrapped({}, lambda *args: None)
    assert list(response) == [b"a", b"b"] and _bound() == 3
    response.close()
    assert seen == {"call": 3, "close": 3} and _bound() == 0


def test_an_error_in_the_application_leaves_the_bound_off():
    def app(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        dbtimeout.bounded(app, timeout=3)({}, lambda *args: None)
    assert _bound() == 0


def test_a_zero_timeout_leaves_the_application_as_it_is():
    def app(environ, start_response):
        return []

    assert dbtimeout.bounded(app, timeout=0) is app


def test_the_web_process_is_bounded_below_gunicorns_timeout(settings):
    # gunicorn kills a worker after 30 s (docker-compose.yml sets no other): a frozen
    # database must be answered before, even with a new connection tried after the cut.
    from policestation import wsgi

    assert wsgi.application.__name__ == "bounded_application"
    assert 0 < settings.DB_QUERY_TIMEOUT + 3 < 30
