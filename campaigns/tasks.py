"""The campaigns' periodic job, listed in settings.PERIODIC_TASKS."""

from django_tasks import task

from .sending import newcomers_add_all


@task(priority=-5)
def campaign_newcomers_add() -> int:
    """Add the policyholders who joined since a campaign started to it, while its version is still ahead."""
    return newcomers_add_all()
