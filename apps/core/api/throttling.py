"""DRF throttles that key an anonymous client on apps.core.clients.client_address."""

from typing import TYPE_CHECKING

from rest_framework.throttling import ScopedRateThrottle

from ..clients import client_address

if TYPE_CHECKING:
    from rest_framework.request import Request


class ClientScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle with the workbench's one idea of the client's address."""

    def get_ident(self, request: "Request") -> str:
        return client_address(request)
