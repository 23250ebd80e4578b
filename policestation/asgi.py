"""The ASGI entry point: HTTP (the whole site, as WSGI serves it) and WebSocket (the live
socket of apps/live). `make demo` serves both from one uvicorn; production runs it as the
`live` service of docker-compose behind the proxy's /ws/ (README "Live updates")."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policestation.settings")
http = get_asgi_application()  # sets Django up before the imports below read models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from django.conf import settings  # noqa: E402

from apps.live.routing import websocket_urlpatterns  # noqa: E402

if settings.DEBUG:
    # The demo's single server also serves the static files, as runserver did.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http = ASGIStaticFilesHandler(http)

application = ProtocolTypeRouter(
    {"http": http, "websocket": SessionMiddlewareStack(URLRouter(websocket_urlpatterns))}
)
