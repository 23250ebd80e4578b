"""The public verification behind the QR codes: a signed token in, the state of one document
out. No search, no listing, no sequential ids; guessing is rate limited per address.

A document has two codes:

- the live code on its page (the holder's phone, the officer's screen), as 苏证通 shows
  one: it carries the signed moment it was made, the page makes a new one every minute
  (settings.LIVE_REFRESH_SECONDS["permit_code"]), and it verifies for two minutes from that
  moment. A screenshot or photo of the page older than that verifies as expired, so a code
  passed on cannot stand in for the document in the holder's hands;
- the static code of the printed PDF (the model's `verify_token`), which cannot expire on
  paper: it verifies the document's state only, and the page says it is a printout's.
"""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.ratelimit import count_hit

from .models import VERIFY_SALT, IssuedDocument, ResidenceCertificate, ResidencePermit

KINDS: dict[str, type[IssuedDocument]] = {"c": ResidenceCertificate, "p": ResidencePermit}
VERIFY_PER_MINUTE = 30
LIVE_SALT = "permits.verify.live"
LIVE_CODE_LIFETIME = timedelta(minutes=2)

# Which code was scanned.
PRINTOUT = "printout"
LIVE = "live"

# Why a check fails, as the verification page says it.
TAMPERED = "tampered"  # not signed by us: changed, cut short, or made up
VOIDED = "voided"  # ours, but its document was issued again (new nonce) or is gone
EXPIRED = "expired"  # a live code older than LIVE_CODE_LIFETIME: a screenshot or a photo


@dataclass(frozen=True)
class Check:
    """What a scanned token stands for: a document, or why not (`failure`)."""

    document: IssuedDocument | None
    failure: str = ""
    code: str = PRINTOUT
    made_at: datetime | None = None  # a live code's signed moment


@dataclass(frozen=True)
class LiveCode:
    path: str  # the verification page's path, for a QR code or a link
    made_at: datetime
    expires_at: datetime


def live_code(document: IssuedDocument) -> LiveCode:
    """A new live code of `document`, made now."""
    made_at = timezone.now().replace(microsecond=0)
    token = signing.dumps(
        [document.verify_kind, document.pk, document.verify_nonce, int(made_at.timestamp())],
        salt=LIVE_SALT,
    )
    return LiveCode(
        path=reverse("permits:verify", args=[token]),
        made_at=made_at,
        expires_at=made_at + LIVE_CODE_LIFETIME,
    )


def _payload(token: str) -> tuple[str, list] | None:
    for code, salt in ((PRINTOUT, VERIFY_SALT), (LIVE, LIVE_SALT)):
        try:
            payload = signing.loads(token, salt=salt)
        except (signing.BadSignature, ValueError, TypeError):
            continue
        if isinstance(payload, list):
            return code, payload
    return None


def resolve(token: str) -> Check:
    """The document a scanned token stands for, or why it does not verify."""
    found = _payload(token)
    if found is None:
        return Check(None, TAMPERED)
    code, payload = found
    made_at = None
    if code == LIVE:
        if len(payload) != 4 or not isinstance(payload[3], int):
            return Check(None, TAMPERED)
        made_at = datetime.fromtimestamp(payload.pop(), tz=UTC)
        if timezone.now() - made_at > LIVE_CODE_LIFETIME:
            return Check(None, EXPIRED, code, made_at)
    if len(payload) != 3:
        return Check(None, TAMPERED)
    kind, pk, nonce = payload
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None or not isinstance(pk, int) or not isinstance(nonce, str):
        return Check(None, TAMPERED)
    manager: models.Manager = model.objects
    document = manager.select_related("station").filter(pk=pk).first()
    if document is None or not hmac.compare_digest(document.verify_nonce, nonce):
        return Check(None, VOIDED, code, made_at)
    return Check(document, "", code, made_at)


def over_limit(ip: str) -> bool:
    """Count this address's look-ups in the current minute (a fixed window in the cache)."""
    count = count_hit(f"permits:verify:{ip}:{timezone.now():%Y%m%d%H%M}", 90)
    # Cache down: let it through. A token cannot be guessed anyway (the limit only slows
    # scraping), and refusing would stop every check of a document at the counter.
    return count is not None and count > VERIFY_PER_MINUTE
