import datetime
import hashlib
import hmac
import re
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Company

# pp_<8 hex: the visible lookup prefix>_<43 url-safe characters: 256 random bits>
TOKEN_RE = re.compile(r"pp_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")
# last_used_at is written at most this often per client, not on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_hash(token: str) -> str:
    # The token has 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def for_token(self, token: str) -> "ApiClient | None":
        """The client whose token this is, revoked or not; None for anything we did not issue."""
        match = TOKEN_RE.fullmatch(token)
        if match is None:
            return None
        client = self.filter(token_prefix=match.group(1)).first()
        if client is None or not hmac.compare_digest(client.token_hash, token_hash(token)):
            return None
        return client


class ApiClient(models.Model):
    """A group system (DM vendor, email platform, call centre) that may ask about some companies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    companies = models.ManyToManyField(
        Company,
        verbose_name=_("companies"),
        related_name="+",
        blank=True,
        help_text=_("The client may ask only about these companies."),
    )
    token_prefix = models.CharField(_("token prefix"), max_length=8, unique=True, editable=False)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def token_hint(self) -> str:
        return f"pp_{self.token_prefix}_…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def issue_token(self) -> str:
        """Set a new token's prefix and hash and return the token: the only time it exists in clear."""
        self.token_prefix = secrets.token_hex(4)
        token = f"pp_{self.token_prefix}_{secrets.token_urlsafe(32)}"
        self.token_hash = token_hash(token)
        return token

    def company_ids(self) -> set[int]:
        if not hasattr(self, "_company_ids"):
            self._company_ids = set(self.companies.values_list("pk", flat=True))
        return self._company_ids

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
