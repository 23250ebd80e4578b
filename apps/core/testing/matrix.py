"""A permission-matrix test base: subclass it once per resource and every persona is
checked against the list page, the detail page, the edit page, the API and admin.

The expected outcome follows from two declared sets, so that a new resource states its
policy in two lines:

- anonymous: a login redirect (HTML) or 401 (API);
- a persona whose role lacks the permission: 403;
- a persona whose role has it, for a record of another station or bureau: 404;
- otherwise: success. A refused write changes nothing.

Only the tests that apply to a resource are collected (`applies`, read by tests/conftest.py):
a resource without an API has no API tests, rather than API tests that pass by returning.
"""

from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .personas import ADMIN_USERS, ANONYMOUS, PERSONAS, SEES_XIPENG, SUPERUSER, Org

STATION_STAFF = {
    "xipeng_desk",
    "xipeng_community",
    "xipeng_case",
    "xipeng_leader",
    "shuangfeng_desk",
}
BUREAU_ADMINS = {"jlp_admin", "yubei_admin", SUPERUSER}


class ResourceMatrix:
    """Set the class attributes and `make`; the tests come for free.

    `make(org)` returns a new record of 西彭派出所 (each call a distinct one).
    """

    model = None
    list_url_name: str = ""  # empty: the resource has no page of its own
    detail_url_name: str | None = None
    update_url_name: str | None = None
    api_basename: str = ""  # empty: the resource has no API
    readers: set[str] = set()
    # Who may call the API's list and detail, when not the readers (citizens read their own
    # records through the API but never open the officers' pages).
    api_readers: set[str] | None = None
    writers: set[str] = set()
    # A PATCH body for the API and the field it changes, to check refused writes.
    api_patch: dict[str, Any] | None = None
    # False for rows fixed by the organisation (bureaus, stations): no list grows with use.
    lists_grow: bool = True

    # What a resource must declare for each test to apply.
    NEEDS = {
        "test_it_shows_the_list_page_only_with_the_role_and_only_in_scope": "list_url_name",
        "test_it_shows_the_detail_page_only_with_the_role_and_only_in_scope": "detail_url_name",
        "test_it_opens_the_edit_page_only_for_writers_in_scope": "update_url_name",
        "test_it_answers_the_api_list_only_with_the_role_and_only_in_scope": "api_basename",
        "test_it_answers_the_api_detail_only_with_the_role_and_only_in_scope": "api_basename",
        "test_it_refuses_api_writes_outside_role_or_scope_and_changes_nothing": "api_patch",
    }

    @classmethod
    def applies(cls, test_name: str) -> bool:
        """Whether the matrix's test `test_name` checks something for this resource."""
        if test_name == "test_it_lists_without_a_query_per_row":
            return cls.lists_grow and bool(cls.list_url_name or cls.api_basename)
        need = cls.NEEDS.get(test_name)
        return need is None or bool(getattr(cls, need))

    def make(self, org: Org) -> models.Model:
        raise NotImplementedError

    def marker(self, obj: models.Model) -> str:
        """Text that shows the record is on a page: by default its link."""
        url: str = obj.get_absolute_url()  # type: ignore[attr-defined]  # a record with a page
        return url

    # --- expectations ---------------------------------------------------------------

    def expected(self, persona: str, allowed: set[str], *, api: bool) -> int:
        if persona == ANONYMOUS:
            return 401 if api else 302
        if persona not in allowed:
            return 403
        if persona not in SEES_XIPENG:
            return 404
        return 200

    def _api_readers(self) -> set[str]:
        return self.readers if self.api_readers is None else self.api_readers

    def login(self, client: Client, org: Org, persona: str) -> None:
        if persona != ANONYMOUS:
            client.force_login(org.users[persona])

    # --- HTML -------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_shows_the_list_page_only_with_the_role_and_only_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        response = client.get(reverse(self.list_url_name))
        expected = self.expected(persona, self.readers, api=False)
        if expected == 404:  # a list is never a 404: the record is simply not in it
            assert response.status_code == 200
            assert self.marker(obj) not in response.content.decode()
            return
        assert response.status_code == expected
        if expected == 200:
            assert self.marker(obj) in response.content.decode()

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_shows_the_detail_page_only_with_the_role_and_only_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        response = client.get(reverse(self.detail_url_name, args=[obj.pk]))
        assert response.status_code == self.expected(persona, self.readers, api=False)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_opens_the_edit_page_only_for_writers_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        response = client.get(reverse(self.update_url_name, args=[obj.pk]))
        assert response.status_code == self.expected(persona, self.writers, api=False)

    # --- API --------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_answers_the_api_list_only_with_the_role_and_only_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        response = client.get(reverse(f"{self.api_basename}-list"))
        expected = self.expected(persona, self._api_readers(), api=True)
        if expected == 404:
            assert response.status_code == 200
            assert obj.pk not in [row["id"] for row in response.json()["results"]]
            return
        assert response.status_code == expected
        if expected == 200:
            assert obj.pk in [row["id"] for row in response.json()["results"]]

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_answers_the_api_detail_only_with_the_role_and_only_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        response = client.get(reverse(f"{self.api_basename}-detail", args=[obj.pk]))
        assert response.status_code == self.expected(persona, self._api_readers(), api=True)
        if response.status_code != 200:
            assert "error" in response.json()

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_refuses_api_writes_outside_role_or_scope_and_changes_nothing(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        patch = self.api_patch
        assert patch is not None  # applies() collects this test only for a resource with one
        before = {f: getattr(obj, f) for f in patch}
        self.login(client, org, persona)
        response = client.patch(
            reverse(f"{self.api_basename}-detail", args=[obj.pk]),
            patch,
            content_type="application/json",
        )
        expected = self.expected(persona, self.writers, api=True)
        assert response.status_code == expected, response.content
        obj.refresh_from_db()
        after = {f: getattr(obj, f) for f in patch}
        if expected == 200:
            assert after == patch
        else:
            assert after == before

    # --- admin ------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_it_opens_the_admin_page_only_for_admins_in_scope(
        self, client: Client, org: Org, persona: str
    ) -> None:
        obj = self.make(org)
        self.login(client, org, persona)
        opts = obj._meta
        response = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        if persona not in ADMIN_USERS:
            assert response.status_code == 302  # to the admin login
        elif persona in SEES_XIPENG:
            assert response.status_code == 200
        else:
            assert response.status_code == 404

    # --- queries ----------------------------------------------------------------------

    def test_it_lists_without_a_query_per_row(self, client: Client, org: Org) -> None:
        client.force_login(org.users[SUPERUSER])
        self.make(org)
        urls = [reverse(self.list_url_name)] if self.list_url_name else []
        if self.api_basename:
            urls.append(reverse(f"{self.api_basename}-list"))
        few = {url: self.count_queries(client, url) for url in urls}
        for _ in range(5):
            self.make(org)
        many = {url: self.count_queries(client, url) for url in urls}
        assert few == many, f"queries for a few rows {few}, for more rows {many}"

    @staticmethod
    def count_queries(client: Client, url: str) -> int:
        # A login's first request reads its user into the cache (accounts.backends), the
        # next ones do not: the request counted is a later one.
        client.get(url)
        # Counted at once: the next request clears the connection's query log.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)
