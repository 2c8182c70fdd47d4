"""The documents the FAQ's answers name, and where a customer finds each: shown under every entry that names
one. Kept with the FAQ and changed with it (the answers themselves are the group's published words and are
never edited to add a link). A document the site itself carries says so with its address instead."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedDocument:
    name: str  # as the answers write it; an entry naming it (anywhere in its question or answer) gets the note
    where: str  # where the document is, in a sentence


NAMED_DOCUMENTS = [
    NamedDocument(
        name="個人情報保護指針",
        where=(
            "「個人情報保護指針」は、このサイトには掲載していません。楽天少短の指針の概要は、関連する公表文"
            "「楽天保険グループ各社との共同利用について」の「1.楽天少短の個人情報保護指針について」でご覧いただけます。"
            "全文は各社のお問合せ窓口にお問合せください。"
        ),
    ),
    NamedDocument(
        name="ご同意のお願いに関するご説明",
        where=(
            "「個人情報取扱い（楽天グループ各社への第三者提供、利用目的等）についてのご同意のお願いに関するご説明」は、"
            "このサイトには掲載していません。ご覧になりたい場合は、各社のお問合せ窓口にお問合せください。"
        ),
    ),
]


def documents_named(text: str) -> list[NamedDocument]:
    return [document for document in NAMED_DOCUMENTS if document.name in text]
