"""Citizens' accounts on the portal, by their phone: sign up, log in and reset the password
with a six-digit code texted to it.

The rules of the codes, in one place: six digits; stored as a keyed hash (HMAC with
SECRET_KEY, so a copy of the database alone does not give them away); good for five
minutes, five wrong attempts and one use; the latest code of a phone and purpose is the only
one that counts. At most one code a minute and five an hour per phone (every purpose
together, so that nobody's phone is flooded), and ten requests an hour per client address.
Codes travel to the configured SMS sender by a Celery task sent straight to the broker (so
that a slow gateway never holds the request), never through the message centre or the
outbox (whose rows would keep them), and no log line holds one.

Login by code goes through `authenticate()` (apps.accounts.backends.PhoneCodeBackend), so
django-axes counts its failures and locks the phone and address out as it does for
passwords. A new password (set by reset) ends the account's other sessions and its device
tokens (User.save) and lifts a lockout: whoever holds the phone has proved it.
Only citizens' accounts (whose account name is their phone) take codes; officers keep
their passwords and, for admin, their second factor.
"""

import logging
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, DomainError
from apps.core.masking import mask_phone
from apps.core.notifications import get_sender
from apps.core.outbox import task_named
from apps.core.phones import normalise_phone
from apps.core.ratelimit import count_hit

from .choices import CodePurpose, UserKind
from .models import PhoneCode, User

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=5)
CODE_ATTEMPTS = 5
CODE_INTERVAL = timedelta(minutes=1)
CODES_PER_HOUR_PER_PHONE = 5
CODES_PER_HOUR_PER_ADDRESS = 10
_HASH_SALT = "apps.accounts.citizens.code"


def _code_hash(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac(_HASH_SALT, f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _code_text(purpose: str, code: str) -> str:
    minutes = int(CODE_TTL.total_seconds() // 60)
    texts: dict[str, str] = {
        CodePurpose.SIGNUP: _("Your sign-up code is %(code)s, valid %(minutes)d minutes."),
        CodePurpose.LOGIN: _("Your login code is %(code)s, valid %(minutes)d minutes."),
        CodePurpose.RESET: _("Your password reset code is %(code)s, valid %(minutes)d minutes."),
    }
    return texts[purpose] % {"code": code, "minutes": minutes} + _(" Tell nobody this code.")


def citizen_account(phone: str) -> User | None:
    """The active citizen's account whose account name is this phone, if any."""
    user: User | None = User.objects.filter(
        username=phone, kind=UserKind.CITIZEN, is_active=True
    ).first()
    return user


def _throttled(message: str) -> DomainError:
    return DomainError(message, code="throttled")


def phone_code_send(*, phone: str, purpose: str, client_ip: str) -> str:
    """Text a new code for `purpose` to the phone; returns it (the caller shows it only in a
    demo without an SMS gateway). Refused when the limits are reached, for a sign-up of a
    phone that has an account, and for a login or reset of one that has none."""
    if purpose not in CodePurpose.values:
        raise DomainError(_("Unknown kind of code."), code="invalid")
    phone = normalise_phone(phone)
    count = count_hit(f"accounts:phone-code:{client_ip}", 3600)
    # Cache down: let it through; the limits per phone are kept in the database.
    if count is not None and count > CODES_PER_HOUR_PER_ADDRESS:
        logger.warning("SMS code refused: too many requests from %s", client_ip)
        raise _throttled(_("Too many codes asked for from here: try again in an hour."))
    if purpose == CodePurpose.SIGNUP:
        if User.objects.filter(username=phone).exists():
            raise Conflict(_("This phone number already has an account: log in instead."))
    elif citizen_account(phone) is None:
        raise DomainError(_("No account has this phone number: sign up first."), code="no_account")
    now = timezone.now()
    recent = PhoneCode.objects.filter(phone=phone, created_at__gte=now - timedelta(hours=1))
    last = recent.order_by("-created_at").first()
    if last is not None and now - last.created_at < CODE_INTERVAL:
        wait = int((CODE_INTERVAL - (now - last.created_at)).total_seconds()) + 1
        raise _throttled(
            _("A code was sent less than a minute ago: wait %(seconds)d seconds.")
            % {"seconds": wait}
        )
    if recent.count() >= CODES_PER_HOUR_PER_PHONE:
        logger.warning("SMS code refused: too many for %s", mask_phone(phone))
        raise _throttled(_("Too many codes for this phone number: try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(
        phone=phone, purpose=purpose, code_hash=_code_hash(phone=phone, purpose=purpose, code=code)
    )
    try:
        # Straight to the broker, not through the outbox, whose row would keep the code; it
        # expires with the code. Embedded, the task runs here and a gateway's error lands in
        # the except below as a broker's does.
        task_named("accounts.phone_code_send").apply_async(
            (row.pk, phone, _code_text(purpose, code)), expires=CODE_TTL.total_seconds()
        )
    except Exception as exc:  # whatever the broker or gateway raised: no code will arrive
        _drop(row.pk, phone, exc)
        raise DomainError(
            _("The text message could not be sent. Try again in a moment."), code="sms_failed"
        ) from None
    return code


def _drop(code_id: int, phone: str, exc: Exception) -> None:
    PhoneCode.objects.filter(pk=code_id).delete()
    # The exception's type only: its text may quote the message, code and all.
    logger.error("SMS code to %s not sent: %s", mask_phone(phone), type(exc).__name__)


def phone_code_deliver(*, code_id: int, phone: str, text: str) -> None:
    """Text one code (the worker's side of `phone_code_send`): a code used or replaced
    meanwhile is not sent; a gateway's failure deletes it, so that the citizen asks again."""
    if not PhoneCode.objects.filter(pk=code_id, used_at__isnull=True).exists():
        return
    try:
        get_sender().send(phone=phone, title=text, body="")
    except Exception as exc:
        _drop(code_id, phone, exc)
        raise


def _checked_code(*, phone: str, purpose: str, code: str) -> PhoneCode:
    """The phone's live code for `purpose` if `code` is it. A wrong code is counted at once,
    outside any transaction that the refusal rolls back."""
    sent = (
        PhoneCode.objects.filter(
            phone=phone,
            purpose=purpose,
            used_at__isnull=True,
            created_at__gte=timezone.now() - CODE_TTL,
        )
        .order_by("-created_at")
        .first()
    )
    if sent is None or sent.attempts >= CODE_ATTEMPTS:
        raise DomainError(
            _("Ask for a new code: this one has expired or was used."), code="code_expired"
        )
    given = "".join((code or "").split())
    if not constant_time_compare(
        sent.code_hash, _code_hash(phone=phone, purpose=purpose, code=given)
    ):
        PhoneCode.objects.filter(pk=sent.pk).update(attempts=F("attempts") + 1)
        logger.warning("SMS code refused: wrong %s code for %s", purpose, mask_phone(phone))
        raise DomainError(_("The code is not right."), code="wrong_code")
    return sent


def _use(code: PhoneCode) -> None:
    """Mark the code used, in the caller's transaction: of two requests racing with the
    same code, one finds it gone."""
    if not PhoneCode.objects.filter(pk=code.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise DomainError(
            _("Ask for a new code: this one has expired or was used."), code="code_expired"
        )


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc


def citizen_signup(*, phone: str, code: str, password: str, name: str = "") -> User:
    """A citizen's account, its name the phone the code was texted to."""
    from django.contrib.auth.models import Group

    from . import roles

    phone = normalise_phone(phone)
    user = User(username=phone, phone=phone, kind=UserKind.CITIZEN, last_name=name.strip())
    _check_password(password, user)
    sent = _checked_code(phone=phone, purpose=CodePurpose.SIGNUP, code=code)
    with transaction.atomic():
        _use(sent)
        if User.objects.filter(username=phone).exists():
            raise Conflict(_("This phone number already has an account: log in instead."))
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name=roles.CITIZEN))
    return user


def citizen_by_code(*, phone: str, code: str) -> User | None:
    """The citizen whose phone got this login code (used up), or None: what the login
    backend answers, so that django-axes counts the failure."""
    try:
        phone = normalise_phone(phone)
    except DomainError:
        return None
    user = citizen_account(phone)
    if user is None:
        return None
    try:
        sent = _checked_code(phone=phone, purpose=CodePurpose.LOGIN, code=code)
        with transaction.atomic():
            _use(sent)
    except DomainError:
        return None
    return user


def citizen_password_reset(*, phone: str, code: str, password: str) -> User:
    """A new password for the citizen whose phone got this reset code."""
    from axes.utils import reset as axes_reset

    phone = normalise_phone(phone)
    user = citizen_account(phone)
    if user is None:
        raise DomainError(_("No account has this phone number: sign up first."), code="no_account")
    _check_password(password, user)
    sent = _checked_code(phone=phone, purpose=CodePurpose.RESET, code=code)
    with transaction.atomic():
        _use(sent)
        user.set_password(password)
        user.save()
    axes_reset(username=phone)
    return user
