"""core.apps: the directories of customers' documents and disclosures are private (0700) from the moment a
process starts, whatever mode they were made with."""

import logging
import stat

from core.apps import private_directories_restrict


def test_existing_directories_are_made_private_at_start(settings, tmp_path, caplog):
    documents, disclosures, missing = tmp_path / "documents", tmp_path / "disclosures", tmp_path / "not-yet"
    documents.mkdir(mode=0o755)
    disclosures.mkdir(mode=0o777)
    disclosures.chmod(0o777)
    settings.REQUEST_DOCUMENT_DIR, settings.DISCLOSURE_DIR, settings.CONSENT_CHECKPOINT_DIR = (
        documents, disclosures, missing)
    settings.PRIVATE_DIRECTORIES = ("REQUEST_DOCUMENT_DIR", "DISCLOSURE_DIR", "CONSENT_CHECKPOINT_DIR")
    with caplog.at_level(logging.WARNING, logger="core.apps"):
        private_directories_restrict()
    assert stat.S_IMODE(documents.stat().st_mode) == stat.S_IMODE(disclosures.stat().st_mode) == 0o700
    assert not missing.exists()
    assert len(caplog.records) == 2
    caplog.clear()
    private_directories_restrict()  # already private: nothing to say
    assert not caplog.records


def test_the_settings_name_the_document_and_disclosure_directories(settings):
    assert {"REQUEST_DOCUMENT_DIR", "DISCLOSURE_DIR"} <= set(settings.PRIVATE_DIRECTORIES)


def test_it_runs_when_the_app_starts():
    from django.apps import apps

    assert type(apps.get_app_config("core")).__name__ == "CoreConfig"
