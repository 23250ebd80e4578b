from django.conf import settings


def navigation(request):
    """The site title for every page; the menu itself is built from `perms` in base.html."""
    return {"site_title": settings.SITE_TITLE}
