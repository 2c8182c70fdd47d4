"""The disclosure jobs the workers run on a schedule (settings.PERIODIC_TASKS). The build itself is a job of
the workers' (disclosure/packages.py)."""

from django_tasks import task

from . import services


@task(priority=-10)
def disclosure_packages_expire() -> int:
    return services.disclosure_packages_expire()
