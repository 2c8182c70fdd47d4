"""Clean-ups of the customers' own rows, listed in settings.PERIODIC_TASKS."""

import datetime

from django.utils import timezone
from django_tasks import task

from .models import LoginToken

# Used and expired login links are kept this long (for a customer who asks why a link failed).
LOGIN_TOKENS_KEPT = datetime.timedelta(days=1)


@task(priority=-10)
def login_tokens_delete() -> int:
    """Delete login links that expired more than a day ago (a used link expired 15 minutes after it
    was issued, so used ones go too)."""
    deleted, _ = LoginToken.objects.filter(expires_at__lt=timezone.now() - LOGIN_TOKENS_KEPT).delete()
    return deleted
