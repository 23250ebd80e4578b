"""The public verification behind the QR code: a signed token in, the state of one document
out. No search, no listing, no sequential ids; guessing is rate limited per address."""

import hmac

from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from .models import VERIFY_SALT, ResidenceCertificate, ResidencePermit

KINDS = {"c": ResidenceCertificate, "p": ResidencePermit}
VERIFY_PER_MINUTE = 30


def resolve(token: str):
    """The certificate or permit a token stands for, or None for anything else."""
    try:
        kind, pk, nonce = signing.loads(token, salt=VERIFY_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    model = KINDS.get(kind)
    if model is None or not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    document = model.objects.select_related("station").filter(pk=pk).first()
    if document is None or not hmac.compare_digest(document.verify_nonce, nonce):
        return None
    return document


def over_limit(ip: str) -> bool:
    """Count this address's look-ups in the current minute (a fixed window in the cache)."""
    key = f"permits:verify:{ip}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > VERIFY_PER_MINUTE
