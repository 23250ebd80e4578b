"""The public verification behind the QR code: a signed token in, the state of one document
out. No search, no listing, no sequential ids; guessing is rate limited per address."""

import hmac

from django.core import signing
from django.utils import timezone

from apps.core.ratelimit import count_hit

from .models import VERIFY_SALT, ResidenceCertificate, ResidencePermit

KINDS = {"c": ResidenceCertificate, "p": ResidencePermit}
VERIFY_PER_MINUTE = 30


# Why a check fails, as the verification page says it.
TAMPERED = "tampered"  # not signed by us: changed, cut short, or made up
VOIDED = "voided"  # ours, but its document was issued again (new nonce) or is gone


def resolve(token: str):
    """(the certificate or permit a token stands for, None) or (None, why not)."""
    try:
        kind, pk, nonce = signing.loads(token, salt=VERIFY_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None, TAMPERED
    model = KINDS.get(kind)
    if model is None or not isinstance(pk, int) or not isinstance(nonce, str):
        return None, TAMPERED
    document = model.objects.select_related("station").filter(pk=pk).first()
    if document is None or not hmac.compare_digest(document.verify_nonce, nonce):
        return None, VOIDED
    return document, ""


def over_limit(ip: str) -> bool:
    """Count this address's look-ups in the current minute (a fixed window in the cache)."""
    count = count_hit(f"permits:verify:{ip}:{timezone.now():%Y%m%d%H%M}", 90)
    # Cache down: let it through. A token cannot be guessed anyway (the limit only slows
    # scraping), and refusing would stop every check of a document at the counter.
    return count is not None and count > VERIFY_PER_MINUTE
