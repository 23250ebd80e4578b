import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("healthz: database check failed: %s", exc)
        return "database unavailable"
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as exc:
        logger.warning("healthz: redis check failed: %s", exc)
        return "redis unavailable"
    return None


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 with a short reason."""
    problems = [p for p in (_check_database(), _check_redis()) if p]
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})
