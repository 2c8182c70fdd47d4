import csv
import io
import json
import uuid
import zipfile

import pytest

from consents.models import Source
from consents.services import preferences_update
from customers.models import Policy
from disclosure import sections
from disclosure.build import package_path
from tests.conftest import run_due_jobs
from tests.consents.conftest import log_in
from tests.factories import PolicyholderFactory


@pytest.fixture
def policyholder(life):
    policyholder = PolicyholderFactory(name="楽天 花子", email="hanako@example.com")
    Policy.objects.create(policyholder=policyholder, company=life, policy_number="L-0001", product="終身医療保険")
    return policyholder


@pytest.fixture
def section_registry(monkeypatch) -> dict:
    """The registered sections, as a copy the test may add to and take from; the real ones come back after it."""
    registry = dict(sections._registered)
    monkeypatch.setattr(sections, "_registered", registry)
    return registry


@pytest.fixture
def customer(client, policyholder):
    return log_in(client, policyholder)


def change(policyholder, company, *, channel="direct_mail", allowed=False, source=Source.PORTAL, **extra):
    return preferences_update(
        policyholder=policyholder, changes={(company.pk, channel): allowed}, source=source,
        idempotency_key=uuid.uuid4().hex, **extra,
    )


class Package:
    """An opened package: its member names, CSVs as lists of dicts, data.json."""

    def __init__(self, package):
        run_due_jobs()  # a worker's pass builds what is queued
        package.refresh_from_db()
        self.zip = zipfile.ZipFile(package_path(package.file_name))
        self.names = set(self.zip.namelist())

    def raw(self, name: str) -> bytes:
        return self.zip.read(name)

    def text(self, name: str) -> str:
        return self.raw(name).decode("utf-8-sig")

    def csv(self, key: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.text(f"{key}.csv"), newline="")))

    def json(self) -> dict:
        return json.loads(self.raw("data.json"))


def opened(package) -> Package:
    return Package(package)
