from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .notifications import unread_counts
from .tiles import map_config


def navigation(request: HttpRequest) -> dict[str, object]:
    """The site title, the unread-message count and how often live pages refresh, for every
    page; the menu itself is built from `perms` in base.html. The count is lazy: a page that
    does not show it pays nothing."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return unread_counts([user.pk])[user.pk]

    return {
        "site_title": settings.SITE_TITLE,
        "unread_notifications": SimpleLazyObject(unread),
        # Every map's base layer (_map_assets.html); called only by a page with a map.
        "map_config": map_config,
        "refresh": settings.LIVE_REFRESH_SECONDS,
    }
