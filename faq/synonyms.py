"""Words customers use for what the FAQ says in other words: each group is one meaning, and a search for any
of its words finds an entry that contains any other (「DM」 finds 「ダイレクトメール」, 「やめたい」 finds 「停止」).

Kept with the FAQ and changed with it: when an entry is added that customers will ask about in everyday
words, add those words here. Compared folded (full and half width, hiragana and katakana, case), so each
word is written once. A query is read longest word first: 「ダイレクトメール」 wins over 「メール」.
"""

SYNONYM_GROUPS: list[tuple[str, ...]] = [
    # Marketing by post.
    # Not 「郵送」: a request is sent by post too, and is no direct mail.
    ("DM", "ダイレクトメール", "郵便", "はがき", "チラシ"),
    # Stopping something. Hiragana forms are whole words: 「とめ」 alone would also be found in 「まとめ」.
    ("止め", "停止", "中止", "やめる", "やめたい", "やめて", "辞め", "とめる", "とめたい", "とめて",
     "拒否", "断る", "断り", "いらない", "不要", "解除"),
    ("メール", "Eメール", "電子メール", "メールマガジン", "メルマガ", "email"),
    ("電話", "電話勧誘", "テレマーケティング"),
    ("案内", "勧誘", "広告", "宣伝", "営業", "セールス", "売り込み"),
    ("個人情報", "個人データ", "プライバシー"),
    ("共同利用", "共有", "使い回し"),
    ("委託", "業務委託", "委託先", "外注", "下請け"),
    ("機微", "センシティブ", "健康", "病歴", "保健医療"),
    ("目的", "利用目的", "何のため", "なぜ"),
    ("グループ会社", "グループ各社", "関連会社", "子会社"),
    ("契約", "加入", "申込", "申し込み"),
]
