"""Policyholders (the group's customers), their policies and their login links."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notices.models import Company

# ASCII letters only: PostgreSQL's lower() under the "C" collation and SQLite's lower() fold exactly these,
# whatever the database's locale, so Python and the database agree on every address. Folding more
# (ı, ſ, Ä) would make a spelling find someone in one place and no one in the other.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def email_key(email: str) -> str:
    """The one normalisation of a login address, as the database computes `Policyholder.email_key`."""
    return email.translate(_ASCII_LOWER)


class AsciiLower(models.Func):
    """lower() of ASCII letters only, on every database (see email_key)."""

    function = "LOWER"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='%(function)s((%(expressions)s) COLLATE "C")')


validate_postal_code = RegexValidator(
    r"^\d{3}-\d{4}\Z", _("Write the postal code as 123-4567."), code="postal_code"
)

validate_customer_number = RegexValidator(
    r"^[A-Z0-9]{6,20}\Z",
    _("A customer number is 6 to 20 half-width capital letters and digits."),
    code="customer_number",
)


class Policyholder(models.Model):
    customer_number = models.CharField(
        _("customer number"), max_length=20, unique=True, validators=[validate_customer_number]
    )
    name = models.CharField(_("full name"), max_length=100)
    # "name in kana" alone is the company's 商号（カナ）; a person's is 氏名（カナ）.
    kana = models.CharField(pgettext_lazy("policyholder", "name in kana"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    # Login, uniqueness and the import all compare this column: one index serves them all.
    email_key = models.GeneratedField(
        expression=AsciiLower("email"), output_field=models.CharField(max_length=254), db_persist=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # The postal address, as a print vendor lays it out: notices go by post to those without an email.
    # Empty by default in the database too, so that a bulk load (COPY) that does not know them still works.
    postal_code = models.CharField(
        _("postal code"), max_length=8, blank=True, default="", db_default="", validators=[validate_postal_code]
    )
    address1 = models.CharField(
        _("address (prefecture, city, street)"), max_length=200, blank=True, default="", db_default=""
    )
    address2 = models.CharField(_("address (building, room)"), max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policyholder")
        verbose_name_plural = _("policyholders")
        ordering = ["customer_number"]
        constraints = [
            # One address logs in one policyholder: the login link must know whom it is for.
            models.UniqueConstraint(
                fields=["email_key"], condition=~models.Q(email_key=""), name="policyholder_email_key_unique"
            ),
        ]
        indexes = [
            # Staff search by kana (admin search_fields) and name.
            models.Index(fields=["kana"], name="policyholder_kana_idx"),
        ]

    def __str__(self):
        return f"{self.customer_number} {self.name}"


class Policy(models.Model):
    policyholder = models.ForeignKey(Policyholder, on_delete=models.CASCADE, related_name="policies")
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    policy_number = models.CharField(_("policy number"), max_length=40)
    product = models.CharField(_("product"), max_length=200)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["company__display_order", "policy_number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "policy_number"], name="policy_number_unique_per_company"),
        ]

    def __str__(self):
        return f"{self.product}（{self.policy_number}）"


class LoginToken(models.Model):
    """A single-use login link. Only the SHA-256 of the token is stored: a copy of the table logs no one in."""

    policyholder = models.ForeignKey(
        Policyholder, verbose_name=_("policyholder"), on_delete=models.CASCADE, related_name="login_tokens"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        ordering = ["-created_at"]
        indexes = [
            # Pruning links that expired long ago, on every new link.
            models.Index(fields=["expires_at"], name="logintoken_expires_idx"),
        ]

    def __str__(self):
        return f"{self.policyholder_id} {self.created_at:%Y-%m-%d %H:%M}"
