"""Issue 16, item 6: the workbench reads in Chinese. Each persona opens every page its role
may open, as a Chinese browser asks for it (Accept-Language zh-CN), and each admin every
admin changelist, add and change page it may open; no label, header, button, tooltip or
value the workbench writes may be an English word.

An English word is a run of three or more Latin letters standing alone (not part of a
login, a file name, a path, an address or a stored <placeholder>), other than the names a
Chinese interface writes in Latin letters (ALLOWED) and the logins of the scene's people.

Not walked: the API's documentation for developers (Swagger UI draws its own English
interface) and django-celery-beat's forms for new schedules (superuser only), which keep
the library's help texts and the time zones' IANA names; their lists are walked.
"""

import re

import pytest
from django.urls import reverse

from apps.core.testing.personas import ADMIN_USERS, PERSONAS

from .access import ADMIN_SCENE, OK, ROUTES, expected, expected_in_admin
from .probe import API_NAMES, client_for, url_of
from .reading import answer_text
from .routes import admin_models

pytestmark = pytest.mark.django_db

# Written in Latin letters in Chinese too: file formats, units, standards, protocols, brands.
ALLOWED = {
    "API",
    "CSV",
    "GPS",
    "HTML",
    "JPEG",
    "JPG",
    "JSON",
    "PDF",
    "PNG",
    "SMS",
    "URL",
    "XLSX",
    # the symbols of GB 3096-2008 for the equivalent continuous and the maximum level
    "LAeq",
    "Lmax",
    "Leaflet",
    "OpenStreetMap",
    "OpenAPI",
    "Swagger",
    "ReDoc",
    "Token",
    "English",  # the language switch names the other language in its own words
    # keys named on the keyboard ("按住 Control 键或 Mac 上的 Command 键来选择多项")
    "Control",
    "Command",
    "Mac",
}
NOT_WALKED = {"api-docs"}
ALLOWED_UPPER = {w.upper() for w in ALLOWED}
WORD = re.compile(r"(?<![\w./@:<-])[A-Za-z]{3,}(?![\w./@:>-])")
PAGES = [
    r for r in ROUTES if r.method == "GET" and r.name not in API_NAMES and r.name not in NOT_WALKED
]


def english_words(text: str, allowed: set[str]) -> list[str]:
    return sorted(
        {w for w in WORD.findall(text) if w not in allowed and w.upper() not in ALLOWED_UPPER}
    )


def _allowed(scene) -> set[str]:
    """The scene's own data in Latin letters: its people's logins and device names."""
    return {
        *(user.username for user in scene.org.users.values()),
        "matrix",  # the device name of every persona's token (scene._logins)
    }


def _read(client, url) -> str | None:
    """The text of a page (not of data: JSON, files), as a Chinese browser asks for it."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    return answer_text(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_opens_is_in_chinese(scene, persona):
    user = scene.org.user(persona)
    client = client_for(scene, persona, api=False)
    allowed = _allowed(scene)
    found = []
    opened = 0
    for route in PAGES:
        if expected(route, persona, user) != OK:
            continue
        text = _read(client, url_of(route, scene))
        if text is None:
            continue
        opened += 1
        if words := english_words(text, allowed):
            found.append(f"{route.label}: {', '.join(words)}")
    assert opened
    assert not found, f"{persona} reads English:\n" + "\n".join(found)


@pytest.mark.parametrize("persona", sorted(ADMIN_USERS))
def test_every_admin_page_an_admin_opens_is_in_chinese(scene, persona):
    user = scene.org.user(persona)
    client = client_for(scene, persona, api=False)
    allowed = _allowed(scene)
    found = []
    pages = [("index", reverse("admin:index"), OK)]
    for model in admin_models():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        key, sees = ADMIN_SCENE[opts.label]
        urls = {"changelist": reverse(f"{prefix}_changelist")}
        if opts.app_label != "django_celery_beat":
            urls["add"] = reverse(f"{prefix}_add")
        if key:
            urls["change"] = reverse(f"{prefix}_change", args=[scene[key].pk])
        for page, url in urls.items():
            pages.append(
                (f"{opts.label} {page}", url, expected_in_admin(page, persona, user, model, sees))
            )
    for name, url, want in pages:
        if want != OK:
            continue
        text = _read(client, url)
        if text and (words := english_words(text, allowed)):
            found.append(f"{name}: {', '.join(words)}")
    assert not found, f"{persona} reads English in admin:\n" + "\n".join(found)


def test_a_word_is_english_only_standing_alone():
    text = "xipeng_desk 上传 workers.csv /cases/incidents/ <unknown> PDF dB(A) Changes CHANGE"
    assert english_words(text, set()) == ["CHANGE", "Changes"]
