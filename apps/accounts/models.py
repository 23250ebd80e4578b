from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager

from apps.core.masking import mask_phone
from apps.core.scoping import Scope, ScopedQuerySet

from .choices import CodePurpose, UserKind


class UserManager(DjangoUserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """Anyone who logs in: officers, auxiliary officers, mediators and citizens.

    `station` places a user at a station (and optionally a `post`); `bureau` alone makes
    them sub-bureau staff. For station staff the bureau is always the station's, kept in
    step by save(), so that scoping never needs a join to find a user's bureau.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=UserKind, default=UserKind.OFFICER)
    badge_number = models.CharField(_("badge number"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Where the telephone system reports a ringing call (apps.cases calls): the desk
    # officer whose extension it is sees the intake form open with the caller's history.
    desk_extension = models.CharField(
        _("desk phone extension"),
        max_length=10,
        blank=True,
        help_text=_(
            "The extension of this officer's desk phone, as the telephone system reports it."
        ),
    )
    bureau = models.ForeignKey(
        "stations.Bureau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("sub-bureau"),
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("post"),
    )

    objects = UserManager()
    scope = Scope(station="station_id", bureau="bureau_id", owner="pk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("use_admin", _("Can use the administration site"))]
        constraints = [
            models.UniqueConstraint(
                fields=["badge_number"],
                condition=~models.Q(badge_number=""),
                name="accounts_user_badge_number_unique",
                violation_error_message=_("Another user already has this badge number."),
            ),
            models.CheckConstraint(
                condition=models.Q(post__isnull=True) | models.Q(station__isnull=False),
                name="accounts_user_post_needs_station",
                violation_error_message=_("A user at a post must also belong to its station."),
            ),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        login = self.shown_username
        return f"{full_name} ({login})" if full_name else login

    @property
    def shown_username(self) -> str:
        """The account name as pages show it: a citizen's is their mobile number, masked
        like every phone (the full number only through a logged view)."""
        return mask_phone(self.username) if self.kind == UserKind.CITIZEN else self.username

    @property
    def assigned_only(self) -> bool:
        """An account that works only on what is assigned to it: a resident mediator works
        at the station but reads only the disputes given to them (Scope.assigned)."""
        return self.kind == UserKind.MEDIATOR

    def get_full_name(self) -> str:
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def clean(self):
        super().clean()
        if self.post_id and self.station_id and self.post.station_id != self.station_id:
            raise ValidationError({"post": _("The post does not belong to the user's station.")})
        if self.kind == UserKind.CITIZEN and (self.station_id or self.bureau_id):
            raise ValidationError({"station": _("A citizen does not belong to a station.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.station_id:
            self.bureau_id = self.station.bureau_id
        # set_password() leaves the new raw password here until the save: whoever changed it
        # (the user, an admin, a reset), every device token of the old password stops working.
        # Browser sessions end by themselves: their stored password hash no longer matches.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            DeviceToken.objects.filter(user=self).delete()

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names


class DeviceTokenQuerySet(ScopedQuerySet):
    def live(self):
        return self.filter(models.Q(expiry__isnull=True) | models.Q(expiry__gt=timezone.now()))

    def expired(self):
        return self.filter(expiry__lte=timezone.now())


class DeviceToken(AbstractAuthToken):
    """An API token for one tablet or phone: stored hashed (knox), expiring, revocable."""

    device = models.CharField(_("device"), max_length=100, blank=True)

    objects = AuthTokenManager.from_queryset(DeviceTokenQuerySet)()
    scope = Scope(bureau="user__bureau_id", owner="user_id")

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} · {self.device or self.token_key}"

    @property
    def expired(self) -> bool:
        """The row's side of the querysets' live() / expired()."""
        return self.expiry is not None and self.expiry <= timezone.now()


class PhoneCode(models.Model):
    """A six-digit code texted to a phone to sign up, log in or reset the password on the
    citizens' portal: kept as a keyed hash, good for minutes, a few attempts, once
    (apps/accounts/citizens.py holds the rules)."""

    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self):
        return f"{mask_phone(self.phone)} · {self.get_purpose_display()}"
