import copy
import functools
import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Cell

ON, OFF = "on", "off"
FIELD_PREFIX = "pref-"
IDEMPOTENCY_KEY = re.compile(r"^[0-9a-f]{32}\Z")


def field_name(cell: Cell) -> str:
    return f"{FIELD_PREFIX}{cell.company.pk}-{cell.channel.code}"


def _stored(cell: Cell) -> str:
    return ON if cell.allowed else OFF


CELL_FIELD = forms.ChoiceField(
    choices=[(ON, _("Receive")), (OFF, _("Do not receive"))],
    required=False,
    widget=forms.RadioSelect,
    show_hidden_initial=True,
    error_messages={"invalid_choice": _("Choose 'receive' or 'do not receive'.")},
)


def _cell_field(*, initial: str) -> forms.ChoiceField:
    """One cell's field: a copy of CELL_FIELD with its own widget and initial value. Building a ChoiceField
    takes ten times as long, and a form has one per company and channel, on every page and every save."""
    field = copy.copy(CELL_FIELD)
    # A widget with attrs of its own, as a built field has; the choices, never changed, are shared.
    field.widget = copy.copy(CELL_FIELD.widget)
    field.widget.attrs = dict(CELL_FIELD.widget.attrs)
    field.initial = initial
    return field


class PreferencesForm(forms.Form):
    """One on/off radio pair per company × channel, a stop-all switch and the idempotency key.

    A cell missing from the POST stays as it is; a field for a company or channel that is not in the
    matrix, or a value other than on/off, makes the whole form invalid, so nothing is written.
    """

    stop_all = forms.BooleanField(
        label=_("Stop all marketing from every company by every channel"),
        required=False,
        help_text=_("When this is checked, every setting below is saved as 'do not receive'."),
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The form is out of date. Open the page again and try again.")},
    )

    def __init__(self, *args, matrix, pending=None, **kwargs):
        """`pending` ({field name: "on"/"off"}) are choices not yet saved, shown instead of the stored value
        (kept over an ended session); the page still posts the stored value as the
        one it showed, so saving writes exactly those choices."""
        super().__init__(*args, **kwargs)
        pending = pending or {}
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.cells = {}
        for _company, cells in matrix:
            for cell in cells:
                name = field_name(cell)
                self.cells[name] = cell
                # Each cell also posts the value the page showed (`initial-pref-…`), so that only the cells
                # the customer changed are written: an old tab must not undo a change made since (a
                # one-click unsubscribe, a call to staff).
                self.fields[name] = _cell_field(initial=pending.get(name, ON if cell.allowed else OFF))
        # The cells whose shown choice is not what is stored: marked 未保存 on the page.
        self.pending = {
            name for name, value in pending.items() if name in self.cells and value != _stored(self.cells[name])
        }
        self._matrix = matrix

    @functools.cached_property
    def rows(self):
        """[(company, [(cell, bound field), …]), …]: what the page draws (a save that is not drawn needs none)."""
        return [(company, [(cell, self[field_name(cell)]) for cell in cells]) for company, cells in self._matrix]

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if not IDEMPOTENCY_KEY.match(key):
            raise forms.ValidationError(_("The form is out of date. Open the page again and try again."))
        return key

    def clean(self):
        cleaned = super().clean()
        unknown = [name for name in self.data if name.startswith(FIELD_PREFIX) and name not in self.cells]
        if unknown:
            raise forms.ValidationError(
                _("The form contains a company or channel that cannot be chosen. Open the page again."),
                code="unknown_cell",
            )
        for name in self.cells:
            if name in self.data and self.data[name] not in (ON, OFF) and name not in self.errors:
                self.add_error(name, _("Choose 'receive' or 'do not receive'."))
        return cleaned

    def changes(self) -> dict[tuple[int, str], bool]:
        """{(company_id, channel_code): allowed} for every cell the form changed from what it showed."""
        if self.cleaned_data["stop_all"]:
            return {(cell.company.pk, cell.channel.code): False for cell in self.cells.values()}
        changes = {}
        for name in self.changed_data:
            cell, value = self.cells.get(name), self.cleaned_data.get(name)
            # A cell missing from the POST (value "") stays as it is.
            if cell is not None and value in (ON, OFF):
                changes[(cell.company.pk, cell.channel.code)] = value == ON
        return changes

    def shown(self) -> dict[tuple[int, str], bool]:
        """{(company_id, channel_code): allowed} as the page showed it when it was opened (the hidden
        `initial-` fields); a cell whose page sent none is left out."""
        shown = {}
        for name, cell in self.cells.items():
            value = self.data.get(self.add_initial_prefix(name))
            if value in (ON, OFF):
                shown[(cell.company.pk, cell.channel.code)] = value == ON
        return shown

    def chosen(self) -> dict[str, str]:
        """{field name: "on"/"off"} for the cells the customer changed on the page: what to keep unsaved."""
        if self.cleaned_data.get("stop_all"):
            return {name: OFF for name in self.cells}
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.cells and self.cleaned_data.get(name) in (ON, OFF)
        }

    def error_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class StaffPreferencesForm(PreferencesForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("How the customer asked for the change, e.g. by phone or by letter."),
        error_messages={"required": _("Enter the reason for the change.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Enter the reason for the change."))
        return reason
