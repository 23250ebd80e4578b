"""Django admin against every persona, per registered ModelAdmin: the changelist, the add
page and the change page of the scene's 西彭 record. Only staff accounts get in (the others
go to admin's login); a sub-bureau admin without the model's permission gets 403, and
another bureau's record is a 404, never a redirect that says it exists."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from apps.core.testing.personas import PERSONAS

from .access import ADMIN_SCENE, FORBIDDEN, LOGIN, NOT_FOUND, OK, expected_in_admin
from .probe import clean_cache, client_for
from .routes import admin_models

MODELS = admin_models()


def _outcome(response) -> str:
    status = response.status_code
    if status == 302 and urlsplit(response["Location"]).path == reverse("admin:login"):
        return LOGIN
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(status, str(status))


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_it_opens_admin_pages_only_to_admins_with_the_permission_and_in_scope(model, scene, db):
    key, sees = ADMIN_SCENE[model._meta.label]
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = {"changelist": reverse(f"{prefix}_changelist"), "add": reverse(f"{prefix}_add")}
    if key:
        pages["change"] = reverse(f"{prefix}_change", args=[scene[key].pk])
    problems = []
    for persona in PERSONAS:
        user = scene.org.user(persona)
        client = client_for(scene, persona, api=False)
        for page, url in pages.items():
            clean_cache(scene, after_a_read=True)  # admin pages are read here
            want = expected_in_admin(page, persona, user, model, sees)
            response = client.get(url)
            got = _outcome(response)
            if got != want:
                problems.append(f"{persona} {page}: expected {want}, got {got}")
            elif page == "changelist" and got == OK and key:
                # The list shows the record to those who find it, and only to them.
                listed = pages["change"] in response.content.decode()
                if listed != (persona in sees):
                    problems.append(f"{persona} changelist: the record listed is {listed}")
    assert not problems, "\n".join(problems)
