import itertools

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from core.pagecache import public_page

from .models import ContactWindow


def general_inquiry_form_url() -> str | None:
    """The inquiry form's address, once a form is there to link to."""
    try:
        return reverse("contact_form")
    except NoReverseMatch:
        return None


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
