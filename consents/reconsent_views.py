"""The customer's answer to a change of the joint use that needs their consent: the question with what
changes, and the answer (同意する／同意しない) with its confirmation; once answered, the page shows the answer
and offers to change it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.clientaddress import client_ip
from core.errors import allow_methods, error_page
from customers.login import policyholder_required

from .models import NoticeRecord
from .reconsent import questions_for
from .resume import return_after_login
from .services import consent_answer_record

ANSWERS = {"consent": True, "decline": False}


@return_after_login
@policyholder_required
@allow_methods("GET", "HEAD", "POST")
def joint_use_consent(request, version_id: int):
    """GET: the question, or the recorded answer and a button to change it. POST: record an answer, then show
    it."""
    question = next((q for q in questions_for(request.policyholder) if q.version.pk == version_id), None)
    if question is None:
        raise Http404(_("There is no question about this change for you."))
    if request.method != "POST":
        return render(request, "consents/joint_use_consent.html", {"question": question})
    consent = ANSWERS.get(request.POST.get("answer", ""))
    if consent is None:
        return error_page(request, status=400, message=_("Choose “I consent” or “I do not consent”."))
    try:
        result = consent_answer_record(
            policyholder=request.policyholder, version_id=version_id, consent=consent,
            ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return error_page(request, status=400, message=" ".join(error.messages))
    messages.success(request, _answer_message(result, emailed=bool(request.policyholder.email)))
    return redirect("consents:joint_use_consent", version_id=version_id)


def _answer_message(result, *, emailed: bool) -> str:
    consented = result.record.kind == NoticeRecord.Kind.CONSENTED
    if not result.changed:
        if consented:
            return _("You had already answered that you consent, so nothing was changed.")
        return _("You had already answered that you do not consent, so nothing was changed.")
    if result.previous is not None:
        text = _("Your answer was changed to “I consent”.") if consented else _(
            "Your answer was changed to “I do not consent”."
        )
    else:
        text = _("We have received your answer: you consent.") if consented else _(
            "We have received your answer: you do not consent."
        )
    if result.record.number:
        text += " " + _("Record number: %(number)s.") % {"number": result.record.number}
    if emailed:
        text += " " + _("We will send you an email confirming it.")
    return text
