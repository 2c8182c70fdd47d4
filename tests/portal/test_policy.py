"""The legal and policy periods are decided in privacy_portal/policy.py by a reviewed commit: the environment
does not change them, the site reads them as settings, and the README lists each with its value."""

import json

from django.conf import settings

from privacy_portal import policy
from tests.commands import last_line, manage

PERIODS = [name for name in vars(policy) if name.isupper()]


def test_the_periods_are_the_policys_and_the_site_reads_them_as_settings():
    assert set(PERIODS) == {
        "NOTICE_MIN_ADVANCE_DAYS", "REQUEST_DUE_DAYS", "REQUEST_DOCUMENT_RETENTION_DAYS", "DISCLOSURE_DOWNLOAD_DAYS",
        "STAFF_SESSION_IDLE_SECONDS", "STAFF_SESSION_MAX_SECONDS", "REQUEST_SEAL_CERTIFICATE_MONTHS",
    }
    for name in PERIODS:
        assert getattr(settings, name) == getattr(policy, name)


def test_an_environment_variable_of_the_same_name_changes_nothing():
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {PERIODS}}}))"
    )
    result = manage("shell", "-c", code, **{name: "1" for name in PERIODS})
    assert json.loads(last_line(result)) == {name: getattr(policy, name) for name in PERIODS}


def _as_read(name: str, value: int) -> str:
    if name.endswith("_DAYS"):
        return f"{value} days"
    if name.endswith("_MONTHS"):
        return f"{value} months"
    return f"{value // 3600} hours" if value % 3600 == 0 else f"{value // 60} minutes"


def test_the_readme_lists_each_period_with_its_value():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Legal and policy periods")[1].split("\n### ")[0]
    configuration = readme.split("## Configuration")[1].split("### Legal and policy periods")[0]
    for name in PERIODS:
        assert f"| `{name}` | {_as_read(name, getattr(policy, name))} |" in section
        assert f"`{name}`" not in configuration
