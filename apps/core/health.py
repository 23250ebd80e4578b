import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
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
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and Redis (when configured) answer. The database down: 503,
    nothing works. Redis down: still 200, "degraded": pages are served and records saved
    (the cache misses, tasks wait in the outbox), so a load balancer keeps the instance."""
    database, redis = _check_database(), _check_redis()
    problems = [p for p in (database, redis) if p]
    if database:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    if redis:
        return JsonResponse({"status": "degraded", "problems": problems})
    return JsonResponse({"status": "ok"})
