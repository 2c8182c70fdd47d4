"""What the admin shows of a campaign: its progress, in one grouped query over its recipients, and before it
starts, whom it would reach."""

import dataclasses

from django.db.models import Count, Q

from customers.models import Policyholder
from outbox.models import OutgoingEmail

from .models import Campaign, Recipient


@dataclasses.dataclass
class Progress:
    waiting: int = 0  # email recipients whose batch has not come yet
    queued: int = 0  # handed to the outbox, not sent yet (including retries after a failed attempt)
    sent: int = 0
    failed: int = 0  # given up by the outbox (no address any more, the mail server refused, withdrawn)
    post_pending: int = 0  # postal recipients not yet on a downloaded list
    post_informed: int = 0
    unreachable: int = 0

    @property
    def emails(self) -> int:
        return self.waiting + self.queued + self.sent + self.failed

    @property
    def sent_percent(self) -> float:
        return round(100 * self.sent / self.emails, 1) if self.emails else 0.0


def campaign_progress(campaign: Campaign) -> Progress:
    progress = Progress()
    rows = (
        Recipient.objects.filter(campaign=campaign)
        .values_list("channel", "state", "email__status")
        .annotate(count=Count("id"))
        .order_by()
    )
    for channel, state, email_status, count in rows:
        if channel == Recipient.Channel.NONE:
            progress.unreachable += count
        elif channel == Recipient.Channel.POST:
            if state == Recipient.State.INFORMED:
                progress.post_informed += count
            else:
                progress.post_pending += count
        elif state == Recipient.State.PENDING:
            progress.waiting += count
        elif email_status == OutgoingEmail.Status.SENT:
            progress.sent += count
        elif email_status == OutgoingEmail.Status.FAILED:
            progress.failed += count
        else:
            progress.queued += count
    return progress


@dataclasses.dataclass(frozen=True)
class Forecast:
    """Whom starting the campaign now would reach, counted as the workers' selection will choose."""

    by_email: int
    by_post: int
    unreachable: int

    @property
    def reached(self) -> int:
        return self.by_email + self.by_post


def recipients_forecast(campaign: Campaign) -> Forecast:
    """The policyholders the campaign would reach if it started now, in one aggregate query: by email those with
    an address (when email is chosen), by post those with a postal address (when post is chosen), the rest
    unreachable."""
    has_email = ~Q(email="")
    has_post = ~Q(postal_code="") & ~Q(address1="")
    email = has_email if campaign.by_email else Q(pk__in=[])
    post = (has_post & ~email) if campaign.by_post else Q(pk__in=[])
    counts = Policyholder.objects.aggregate(
        by_email=Count("pk", filter=email), by_post=Count("pk", filter=post), total=Count("pk"),
    )
    return Forecast(counts["by_email"], counts["by_post"], counts["total"] - counts["by_email"] - counts["by_post"])
