"""Progress of long work (imports, recomputations), shared through the cache so that a
page can poll it while the work runs in a Celery worker inside its own transaction."""

from django.core.cache import cache

_TTL = 6 * 3600


def set_progress(key: str, done: int, total: int) -> None:
    cache.set(f"progress:{key}", {"done": done, "total": total}, _TTL)


def get_progress(key: str) -> dict[str, int]:
    progress: dict[str, int] = cache.get(f"progress:{key}") or {"done": 0, "total": 0}
    total = progress["total"]
    progress["percent"] = round(progress["done"] * 100 / total) if total else 0
    return progress
