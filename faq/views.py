import unicodedata

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.errors import error_page
from core.pagecache import public_page
from notices.templatetags.portal import render_markdown

from .documents import documents_named
from .models import FaqEntry
from .search import highlight_html, highlight_text, search

MAX_QUERY_LENGTH = 100


class FaqSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the FAQ"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Enter at most %(limit_value)d characters to search.")},
    )

    def clean_q(self):
        # NFKC folds full-width letters and digits, so ＱＡ and QA find the same entries.
        query = unicodedata.normalize("NFKC", self.cleaned_data["q"])
        if any(unicodedata.category(char) == "Cc" for char in query):
            raise forms.ValidationError(_("The search words contain characters that cannot be used."))
        # The limit holds after normalisation too: NFKC expands some characters (U+FDFA into 18), and
        # the search costs what it is given.
        if len(query) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                self.fields["q"].error_messages["max_length"], params={"limit_value": MAX_QUERY_LENGTH}
            )
        return " ".join(query.split())


def _shown(entry: FaqEntry, terms) -> dict:
    """An entry as the page shows it: its matches marked, and where the documents it names are."""
    return {
        "entry": entry,
        "question": highlight_text(entry.question, terms),
        "answer": highlight_html(render_markdown(entry.answer), terms),
        "documents": documents_named(f"{entry.question}\n{entry.answer}"),
    }


@public_page
def faq_list(request):
    form = FaqSearchForm(request.GET)
    if not form.is_valid():
        return error_page(request, status=400, message=" ".join(form.errors["q"]))
    query = form.cleaned_data["q"]
    entries = FaqEntry.objects.published().select_related("notice")
    context = {"form": form, "query": query, "partial": False}
    if query:
        result = search(entries, query)
        context["entries"] = [_shown(found.entry, found.terms) for found in result.found]
        context["partial"] = bool(result.found) and not result.every_term_found
    else:
        context["entries"] = [_shown(entry, []) for entry in entries]
    return render(request, "faq/faq_list.html", context)
