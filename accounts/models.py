"""Users, organisations, memberships (who may do what where) and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import PARTNERSHIP_KINDS, ApiScope, OrganisationKind, Role
from areas.models import District, PoliceArea
from core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in. What they may see follows from their memberships, not from here."""

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organisation(TimeStampedModel):
    """An organisation whose staff or systems use Trygg and which owns records."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("district"),
        help_text=_("For a district's social services."),
    )
    police_area = models.ForeignKey(
        PoliceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("local police area"),
        help_text=_("For a local police area."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_partnership_party(self) -> bool:
        """City social services and police: the two parties of the safety agreement."""
        return self.kind in PARTNERSHIP_KINDS


class Membership(TimeStampedModel):
    """A user's role in an organisation, within some districts (a coordinator: all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="memberships",
        verbose_name=_("districts"),
        help_text=_("Ignored for coordinators, who see all."),
    )

    class Meta:
        ordering = ["user__username", "organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_once_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def covers_all_districts(self) -> bool:
        return self.role == Role.COORDINATOR


class ApiClient(TimeStampedModel):
    """A partner system that calls the API with a bearer token, on behalf of one organisation.

    Only a SHA-256 of the token is kept; its first characters (``token_prefix``) find the row.
    The token is shown once, when the client is created. The client reads and files its own
    organisation's records within ``districts`` (accounts.access), as far as ``scopes`` allow.
    """

    # The request's principal: code that takes "a user or a client" asks for these.
    is_api_client = True
    is_authenticated = True
    is_anonymous = False

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("Names the system in the audit log.")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("organisation"),
    )
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=30, choices=ApiScope.choices),
        default=list,
        blank=True,
        verbose_name=_("scopes"),
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="api_clients",
        verbose_name=_("districts"),
        help_text=_("The client reads its organisation's records in these districts."),
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a pattern)
                name="apiclient_token_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return f"api:{self.name}"

    def get_username(self) -> str:
        return self.audit_label

    def is_usable(self, at=None) -> bool:
        """Neither revoked nor expired (at ``at``, default now)."""
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    @property
    def is_active(self) -> bool:
        return self.is_usable()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def district_ids(self) -> frozenset[int]:
        """The ids of ``districts``; read with the client's own row when it was loaded by
        ``accounts.authentication`` (the ``district_pks`` annotation), else queried."""
        pks = getattr(self, "district_pks", None)
        if pks is None:
            pks = self.districts.values_list("pk", flat=True)
        return frozenset(pks)


class AuditEvent(models.Model):
    """One entry of the audit trail. Append-only: the database refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # PROTECT: the trail may not be rewritten, so a user who acted is deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The actor's name as it was; also names actors that are not users (API clients, jobs).
    actor_label = models.CharField(_("who (as recorded)"), max_length=200)
    action = models.CharField(_("what"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
