"""Staff text is stored normalised (line endings, trailing spaces, NFC, never NFKC), drafts saved before that
are normalised by a migration, and published versions are left exactly as customers were shown them."""

import datetime
import importlib

import pytest
from django.apps import apps

from core.text import normalize_text
from notices.models import NoticeVersion, Section
from notices.services import notice_version_create_draft, notice_version_freeze
from tests import personas
from tests.factories import published_version

pytestmark = pytest.mark.django_db

normalize_drafts = importlib.import_module("notices.migrations.0006_normalize_draft_texts").normalize_drafts


def test_normalize_text_keeps_the_wording_of_legal_text():
    assert normalize_text("一行目　 \r\n二行目\r\n\r\n") == "一行目\n二行目"
    assert normalize_text("テ\u3099ータ") == "データ"  # NFC composes decomposed kana
    # NFKC would change these; they are part of the wording.
    assert normalize_text("（株）①ＡＢＣ１２３㈱") == "（株）①ＡＢＣ１２３㈱"


@pytest.fixture
def draft():
    in_force = published_version(effective_date=datetime.date(2023, 4, 1))
    return notice_version_create_draft(notice=in_force.notice, user=personas.editor())


def test_saving_a_draft_and_its_rows_normalises_their_text(draft):
    draft.introduction = "前文です。 \r\n次の行。\r\n"
    draft.save()
    section = Section.objects.create(version=draft, order=9, heading="見出し ", body="本文\r\n続き  ")
    purpose = draft.purposes.first()
    purpose.text = "利用目的\r\n"
    purpose.save()
    draft.refresh_from_db()
    section.refresh_from_db()
    purpose.refresh_from_db()
    assert draft.introduction == "前文です。\n次の行。"
    assert (section.heading, section.body) == ("見出し", "本文\n続き")
    assert purpose.text == "利用目的"


def test_the_migration_normalises_drafts_and_leaves_published_versions_alone(draft):
    # Stored before normalisation: update() writes past save(), as the old admin did in effect.
    NoticeVersion.objects.filter(pk=draft.pk).update(introduction="前文\r\n二行目 ")
    draft.purposes.update(text="目的\r\n")
    other = notice_version_create_draft(notice=draft.notice, user=draft.last_edited_by, on=datetime.date(2030, 1, 1))
    other.effective_date = datetime.date(2031, 1, 1)
    other.save()
    NoticeVersion.objects.filter(pk=other.pk).update(introduction="公開済み\r\n")
    other.refresh_from_db()
    notice_version_freeze(version=other)

    normalize_drafts(apps, None)

    draft.refresh_from_db()
    assert draft.introduction == "前文\n二行目"
    assert set(draft.purposes.values_list("text", flat=True)) == {"目的"}
    assert NoticeVersion.objects.get(pk=other.pk).introduction == "公開済み\r\n"
