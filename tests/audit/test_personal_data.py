"""Personal data (issue 10, item 4): every place that renders an ID number or a phone —
pages, htmx fragments, the API, exports (XLSX, PDF), admin — shows it masked, or in full
only through a view that writes an AccessLog row.

The demo (tests/audit/site.py) is walked from the URL configuration by officers holding
every officer role's permissions, without and with `core.view_personal_data`, by a
superuser, the portal's citizen, the enterprise's contact person, the mediator and an
anonymous visitor; every answer is searched for every stored ID number and phone (and a
citizen's account name, which is their phone).
"""

import re

import pytest
from django.apps import apps
from django.db import models

from .site import PERSONAL_FIELDS

pytestmark = pytest.mark.django_db

# Fields whose names say phone but that are no one's personal data.
NOT_PERSONAL = {
    "stations.station.phone": "the station's duty phone, printed on its door",
    "stations.post.phone": "the post's duty phone",
}
PERSONAL_NAME = re.compile(r"phone|mobile|tel$|id_?number|id_?card|identity", re.IGNORECASE)


def test_every_field_holding_an_id_number_or_a_phone_is_audited():
    named = {
        f"{model._meta.label_lower}.{f.name}"
        for model in apps.get_models()
        if model.__module__.startswith("apps.")
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField)
        and (PERSONAL_NAME.search(f.name) or PERSONAL_NAME.search(str(f.verbose_name)))
    }
    audited = {f"{label}.{name}" for label, names in PERSONAL_FIELDS.items() for name in names}
    assert named - set(NOT_PERSONAL) == audited


def test_every_audited_field_holds_values_in_the_walked_records(site):
    held = {(label, name) for holders in site.owners.values() for label, _pk, name in holders}
    assert {(label, name) for label, names in PERSONAL_FIELDS.items() for name in names} <= held


def test_no_answer_shows_a_full_id_number_or_phone_without_a_logged_view(site):
    assert [(s.walker, s.path, s.value, s.holders) for s in site.shown] == []


def test_no_records_name_holds_a_full_id_number_or_phone(site):
    assert site.named == []


def test_the_full_value_is_revealed_only_with_the_permission_and_always_logged(site):
    assert len(site.reveals["with"]) >= 4  # persons' ID and phone, units, staff
    for link, status, logged, body in site.reveals["with"]:
        assert (status, logged) == (200, True), link
        if link.endswith("/birth_date/"):  # a date, which is no number the audit holds
            assert re.search(r"\d{4}-\d{2}-\d{2}", body), link
        else:
            assert any(value in body for value in site.owners), link
    for link, status, logged, body in site.reveals["without"]:
        assert (status, logged) == (403, False), link
        assert not any(value in body for value in site.owners), link


def test_the_walks_open_every_kind_of_page_without_a_server_error(site):
    assert [(name, page.path) for name, page in site.pages() if page.status >= 500] == []
    officer = site.walks["officer without the permission"]
    assert len(officer.reached) > 250


def test_the_walks_reach_every_route_or_say_why_not(site):
    assert site.unwalked == {}
