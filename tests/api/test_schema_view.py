from unittest import mock

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.core.api import schema


@pytest.fixture(autouse=True)
def _nothing_kept():
    """No schema kept from an earlier test, and none of these tests' stand-ins left behind."""
    schema._built.clear()
    yield
    schema._built.clear()


def test_the_schema_is_built_once_per_language_and_again_when_the_settings_change(
    client, db, settings
):
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True, return_value={}) as build:
        for language in ("zh-hans", "zh-hans", "en", "en", "zh-hans"):
            response = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
        assert build.call_count == 2
        settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS, "VERSION": "2"}
        client.get("/api/schema/?format=json")
        assert build.call_count == 3


def test_a_schema_filtered_for_the_caller_is_never_kept(db):
    schema.CachedSchemaGenerator().get_schema(request=None, public=False)
    assert schema._built == {}
