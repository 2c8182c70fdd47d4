"""A change that one person proposes and another approves: what customers or marketing systems see
(a company's legal data, an FAQ answer) never changes on one person's save."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

APPROVE_PERMISSION = "approvals.approve_changerequest"


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ChangeRequest.Status.PENDING)

    def for_object(self, obj: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class ChangeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved and applied")
        REJECTED = "rejected", _("rejected by an approver")
        SUPERSEDED = "superseded", _("replaced or withdrawn")

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of object"), on_delete=models.PROTECT)
    # Null for an object that the approval creates.
    object_id = models.PositiveBigIntegerField(_("object ID"), null=True, blank=True)
    object_repr = models.CharField(_("object of the change"), max_length=200)
    # Field name → proposed value (a related object by its primary key), and the values when proposed.
    values = models.JSONField(_("proposed values"), encoder=DjangoJSONEncoder)
    old_values = models.JSONField(_("values when proposed"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved or rejected by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The pending request this one replaced and whose values it carries on: its proposer may not approve either.
    supersedes = models.OneToOneField(
        "self", verbose_name=_("replaces"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-proposed_at", "-id"]
        permissions = [("approve_changerequest", "Can approve or reject a proposed change")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(status="pending"),
                name="changerequest_one_pending_per_object",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="changerequest_decided_unless_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="changerequest_rejection_has_reason",
            ),
        ]
        indexes = [
            # The approvers' list: pending requests, newest first.
            models.Index(fields=["status", "-proposed_at"], name="changerequest_status_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.object_repr}（{self.get_status_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def proposers(self) -> set[int]:
        """Everyone whose proposed values this request carries: none of them may approve it."""
        ids, request = set(), self
        while request is not None:
            ids.add(request.proposed_by_id)
            request = request.supersedes
        return ids
