"""In a real Chromium: the staff pages added for the requests desk, the inquiry windows, the campaigns and the
dashboards pass axe-core at 375 and 1280 px, as the customer pages do."""

import pytest

from desk.services import request_submit
from tests import personas
from tests.factories import PolicyholderFactory

from .test_admin_workflow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_new_staff_pages_are_accessible(live_server, demo_content, page_at, assert_accessible, width):
    personas.support("desk")
    personas.approver("checker")
    request = request_submit(
        policyholder=PolicyholderFactory(email="hanako@example.com"), kind="purpose", idempotency_key="k1"
    )
    pages = {
        "desk": [
            "/admin/",
            "/admin/desk/customerrequest/",
            f"/admin/desk/customerrequest/{request.pk}/change/",
            "/admin/desk/postalrequest/add/",
            "/admin/desk/requestfee/",
            "/admin/insights/optindashboard/",
            "/admin/insights/consentreport/",
            "/admin/contact/contactwindow/",
        ],
        "checker": ["/admin/campaigns/campaign/"],
    }
    for username, paths in pages.items():
        page = page_at(width)
        log_in(page, live_server.url, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert_accessible(page)
