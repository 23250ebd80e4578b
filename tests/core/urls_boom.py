"""The site's URLs plus two views that fail, for tests/core/test_error_pages.py."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from policestation.urls import handler400, handler403, handler404, handler500  # noqa: F401
from policestation.urls import urlpatterns as site

SECRET = "boom: ID 110105199001011234, token 0123456789abcdef"


def boom(request):
    raise RuntimeError(SECRET)


@api_view(["GET"])
@permission_classes([AllowAny])
def api_boom(request):
    raise RuntimeError(SECRET)


urlpatterns = [path("boom/", boom), path("api/v1/boom/", api_boom), *site]
