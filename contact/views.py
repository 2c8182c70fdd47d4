import itertools

from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from core.pagecache import public_page

from .models import ContactWindow

GENERAL_INQUIRY_FORM_PATH = "/contact/form/"


def general_inquiry_form_url() -> str | None:
    """The general inquiry form's address once the site has one there, whatever app and URL name serve it
    (this app sits below them and does not import them); None before, so the page never links a 404."""
    try:
        match = resolve(GENERAL_INQUIRY_FORM_PATH)
    except Resolver404:
        return None
    return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


@public_page
def window_list(request):
    windows = ContactWindow.objects.for_page()
    companies = [
        {"company": company, "windows": list(group)}
        for company, group in itertools.groupby(windows, key=lambda window: window.company)
    ]
    return render(
        request, "contact/window_list.html", {"companies": companies, "form_url": general_inquiry_form_url()}
    )
