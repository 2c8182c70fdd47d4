"""The customer's disclosure packages: the list and the download, for the logged-in owner only."""

import logging

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import ListView

from consents.resume import return_after_login
from core.clientaddress import client_ip
from core.dates import wareki
from core.errors import allow_methods, error_page
from customers.login import policyholder_required

from .build import package_path
from .models import DisclosurePackage
from .services import disclosure_download_record

logger = logging.getLogger(__name__)


@method_decorator([return_after_login, policyholder_required, allow_methods("GET", "HEAD")], name="dispatch")
class PackageListView(ListView):
    template_name = "disclosure/package_list.html"
    context_object_name = "packages"
    paginate_by = 20

    def get_queryset(self):
        return DisclosurePackage.objects.filter(policyholder=self.request.policyholder).order_by("-requested_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), days=settings.DISCLOSURE_DOWNLOAD_DAYS, **kwargs)


package_list = PackageListView.as_view()


def _expired_page(request, package: DisclosurePackage):
    message = _(
        "The download period of this disclosure package ended on %(date)s (%(days)s days after it was prepared), "
        "and its file has been deleted. To receive your data again, please make a new request for disclosure."
    ) % {"date": wareki(timezone.localdate(package.expires_at)), "days": settings.DISCLOSURE_DOWNLOAD_DAYS}
    return error_page(request, status=410, title=_("The download period is over"), message=message)


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD")
def download(request, pk: int):
    # Another customer's package, or none, is simply not found: the answer says nothing of whether it exists.
    package = DisclosurePackage.objects.filter(policyholder=request.policyholder, pk=pk).first()
    if package is None:
        return error_page(request, status=404, message=_("There is no disclosure package at this address."))
    if package.status == DisclosurePackage.Status.EXPIRED or (
        package.status == DisclosurePackage.Status.READY and not package.is_downloadable()
    ):
        return _expired_page(request, package)
    if package.status != DisclosurePackage.Status.READY:
        message = (
            _("This disclosure package is still being prepared. We will email you when it is ready.")
            if package.status == DisclosurePackage.Status.QUEUED
            else _("This disclosure package could not be prepared. Our staff are looking into it; "
                   "please contact our inquiry window if you do not hear from us.")
        )
        return error_page(request, status=409, title=_("The disclosure package is not ready"), message=message)
    try:
        file = open(package_path(package.file_name), "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        logger.error("The file of disclosure package %s is missing", package.pk)
        message = _("The file of this disclosure package cannot be found. Please contact our inquiry window.")
        return error_page(request, status=410, title=_("The file cannot be found"), message=message)
    if request.method == "GET":
        disclosure_download_record(
            package=package,
            policyholder=request.policyholder,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    return FileResponse(file, as_attachment=True, filename=package.download_name, content_type="application/zip")
