"""Every customer email, from the change that caused it to its delivery.

The row is the job: a worker finds the emails that are due by their status and time (outbox/sending.py),
sends each while it holds the row locked, and marks it sent in the same transaction. What an email says
and to whom is decided when it is sent, by the builder its kind registered (outbox/kinds.py): the row
that caused it points here (a receipt, a request's reply, a disclosure package, a campaign's recipient),
so this table names no other app's rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import JobFields


class OutgoingEmail(JobFields, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent (gave up)")

    # One of the kinds registered with outbox.kinds.email_kind_register.
    kind = models.CharField(_("kind"), max_length=20)
    # Null for an email to someone who is not a policyholder (a general inquiry). Named, not imported: the
    # customers app sits above the outbox (its login link is an email kind).
    policyholder = models.ForeignKey(
        "customers.Policyholder", verbose_name=_("policyholder"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="outgoing_emails",
    )
    # Higher goes first: a customer waiting for a login link before a campaign's notices.
    priority = models.SmallIntegerField(_("priority"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outgoingemail_sent_has_sent_at",
            ),
        ]
        indexes = [
            # The workers' pick: emails waiting and due, highest priority first, then oldest.
            models.Index(fields=["status", "-priority", "next_attempt_at"], name="outgoingemail_due_idx"),
        ]
        permissions = [("retry_outgoingemail", _("Can send a failed email again"))]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
