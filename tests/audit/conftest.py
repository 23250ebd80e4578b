import pytest


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The site audit's findings (tests/audit/site.py), computed once per test process."""
    from .site import run_audit

    with django_db_blocker.unblock():
        return run_audit(tmp_path_factory.mktemp("audit-files"))
