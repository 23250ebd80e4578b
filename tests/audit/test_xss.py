"""XSS (issue 10, item 5): every free-text field a user types holds a probe that closes an
attribute and opens a script and an image with an onerror handler; no HTML answer of the
site walk (pages, htmx fragments, admin) holds it unescaped. JSON is not HTML (scripts read
it as data); PDFs and workbooks are checked by the other audits.

Where values reach the page through JavaScript, the widgets set text, never HTML
(test_the_maps_never_take_user_text_as_html).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from .site import PROBE, probe_fields

pytestmark = pytest.mark.django_db

STATIC_JS = Path(settings.BASE_DIR) / "static"


def test_every_free_text_field_held_a_probe(site):
    fields = {f"{model._meta.label_lower}.{f.name}" for model, f in probe_fields()}
    assert {
        "cases.incident.description",
        "mediation.threadmessage.text",
        "registry.person.name",
    } <= fields
    assert site.probed > 1000


def test_no_html_answer_holds_a_probe_unescaped(site):
    assert site.unescaped == []


def test_the_probed_pages_were_html_pages_showing_the_escaped_probe(site):
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    showing = [
        p for _n, p in site.pages() if p.content_type.startswith("text/html") and escaped in p.text
    ]
    assert len(showing) > 100


def test_the_maps_never_take_user_text_as_html():
    """Leaflet sets a string tooltip or popup as HTML: the workbench's widgets pass it
    nodes built with textContent (static/js/map.js), and nothing sets innerHTML."""
    scripts = [p for p in STATIC_JS.rglob("*.js") if "vendor" not in p.parts]
    assert scripts
    for script in scripts:
        code = script.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", code), (
            script
        )
        for call in re.findall(r"\.bind(?:Tooltip|Popup)\(([^,)]*)", code):
            assert call.strip().startswith(("popup(", "text(")), (script, call)


def test_the_probe_is_a_real_attack():
    assert "<script>" in PROBE and "onerror=" in PROBE and "\"'>" in PROBE
