"""Fixed-window counters in the cache, behind the rate limits of the public pages."""

from django.core.cache import cache


def count_hit(key: str, window_seconds: int) -> int | None:
    """Count one more hit of `key` in its window and return the count so far; None when the
    cache cannot count (Redis down: the cache answers instead of raising), and the caller
    decides whether that lets the request through."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1
