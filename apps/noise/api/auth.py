"""Device authentication of noise sensors: `Authorization: Sensor <key>`.

A sensor is not a user: the request's user stays anonymous and `request.auth` is the
sensor, so no staff permission can ever be reached with a device key.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from ..models import NoiseSensor
from ..services import sensor_for_key

KEYWORD = "Sensor"


class SensorKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace") != KEYWORD:
            return None  # not a sensor request: the permission check refuses it
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the device key after 'Sensor'."))
        sensor = sensor_for_key(parts[1].decode(errors="replace"))
        if sensor is None:
            # A wrong, revoked or retired key alike: nothing tells a prober which.
            raise exceptions.AuthenticationFailed(_("Invalid or revoked device key."))
        return AnonymousUser(), sensor

    def authenticate_header(self, request):
        return KEYWORD  # makes a refusal a 401 with WWW-Authenticate, not a 403


class IsSensor(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, NoiseSensor)


class SensorKeyScheme(OpenApiAuthenticationExtension):
    """Tells the API schema how sensors authenticate."""

    target_class = SensorKeyAuthentication
    name = "sensorKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("'Sensor <device key>', the key shown once when it was issued."),
        }
