"""The disclosure jobs the workers run on a schedule (settings.PERIODIC_TASKS). The build itself is
disclosure.packages.disclosure_package_build."""

from django_tasks import task

from . import packages, services


@task(priority=-10)
def disclosure_packages_expire() -> int:
    return services.disclosure_packages_expire()


@task(priority=-10)
def disclosure_packages_recover() -> int:
    return packages.disclosure_packages_recover()
