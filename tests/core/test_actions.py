"""The one mechanism from a form or an API call to a service, and the service's own rule."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.cases import actions, services
from apps.cases.models import Incident
from apps.core.actions import Action
from apps.core.errors import NotAllowed
from apps.core.rules import permissions_of, requires


def test_a_service_refuses_a_caller_without_its_permissions(django_user_model, db):
    @requires("cases.change_incident")
    def step(*, by):
        return "done"

    clerk = django_user_model.objects.create_user(username="clerk", password="x")
    with pytest.raises(NotAllowed):
        step(by=clerk)
    with pytest.raises(NotAllowed):
        step(by=None)
    assert permissions_of(step) == ("cases.change_incident",)


def test_an_action_reads_its_rule_from_the_service_and_needs_one():
    assert actions.INCIDENT_CLOSE.permissions == ("cases.change_incident",)
    assert permissions_of(services.incident_close) == ("cases.change_incident",)

    def unguarded(*, incident, by):
        return incident

    with pytest.raises(ImproperlyConfigured):
        Action(name="free", model=Incident, service=unguarded)


def test_an_api_action_documents_its_input_and_its_answer():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    close = schema["paths"]["/api/v1/incidents/{id}/close/"]["post"]
    body = close["requestBody"]["content"]["application/json"]["schema"]
    answer = close["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Close"}
    assert answer == {"$ref": "#/components/schemas/Incident"}
    finish = schema["paths"]["/api/v1/patrols/{id}/finish/"]["post"]
    assert "requestBody" not in finish  # a step without input takes no body
