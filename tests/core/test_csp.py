"""The Content-Security-Policy (issue 10): scripts only from the site's own files. The
browser journeys fail on anything the policy blocks (tests/browser/conftest.py); these
check the header and keep inline scripts out of the templates."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
def test_pages_allow_scripts_from_the_site_only(client):
    directives = _directives(client.get("/accounts/login/"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"


@pytest.mark.django_db
def test_the_api_docs_load_their_script_as_a_file(client, org):
    client.force_login(org.user("jlp_admin"))
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert not INLINE_SCRIPT.search(page.content.decode())
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_no_template_has_an_inline_script_or_event_attribute():
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_ATTRIBUTE.search(text):
            found.append(str(template))
    assert found == []
