"""Words that mark a data item as 機微情報 (金融分野における個人情報保護に関するガイドライン第5条) or 要配慮個人情報
(個人情報保護法第2条第3項), whatever its 「機微情報」 checkbox says. Such data is never used jointly: the admin
warns when an item is saved with one of these words, and publication is refused.

The list is kept by compliance: add a word under the category it belongs to. A word matches anywhere in the
item's text (after NFKC, so full- and half-width forms match alike)."""

import unicodedata

# category (as the guideline names it) → words that name it
SENSITIVE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "保健医療": ("病歴", "保健医療", "健康診断", "健診", "診療", "診断", "治療", "服薬", "投薬", "調剤", "処方",
                 "病名", "傷病", "既往症", "カルテ", "検査結果", "遺伝子", "ゲノム", "健康状態"),
    "心身の機能の障害": ("障害", "障がい", "身体障", "精神障", "知的障", "発達障"),
    "信条": ("信条", "思想", "信教", "宗教"),
    "人種・民族": ("人種", "民族"),
    "門地・本籍地": ("門地", "本籍"),
    "犯罪の経歴・被害": ("犯罪", "前科", "前歴", "逮捕", "刑事事件", "被害を被った事実"),
    "労働組合への加盟": ("労働組合",),
    "性生活": ("性生活", "性的指向"),
    "社会的身分": ("社会的身分", "被差別"),
    "政治的見解": ("政治的見解", "支持政党", "政党"),
}


def sensitive_categories(text: str) -> list[str]:
    """The categories whose words `text` contains, in the order of the list; empty when none does."""
    normalised = unicodedata.normalize("NFKC", text)
    return [
        category
        for category, words in SENSITIVE_CATEGORIES.items()
        if any(word in normalised for word in words)
    ]
