"""The sections every disclosure package holds: what the portal keeps about the policyholder.

The package is a document in Japanese, like the customer emails: its titles and explanations are
written here as the customer reads them. Each `rows` iterates the database with .iterator(), so that
a customer with a long history costs no more memory than one without (see disclosure/sections.py).
"""

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from consents.models import ConsentEvent, NoticeRecord, Preference, Receipt, Source
from consents.selectors import matrix_axes
from customers.models import Policy
from outbox.kinds import kind_label
from outbox.models import OutgoingEmail

from .models import DisclosureDownload, DisclosurePackage
from .sections import Column, Section

CHUNK = 2000
RECEIVE = ("受け取る", "受け取らない")


def profile_rows(policyholder):
    yield {
        "customer_number": policyholder.customer_number,
        "name": policyholder.name,
        "kana": policyholder.kana,
        "email": policyholder.email,
        "birth_date": policyholder.birth_date,
        "postal_code": policyholder.postal_code,
        "address1": policyholder.address1,
        "address2": policyholder.address2,
        "created_at": policyholder.created_at,
        "updated_at": policyholder.updated_at,
    }


def policy_rows(policyholder):
    policies = Policy.objects.filter(policyholder=policyholder).select_related("company")
    for policy in policies.iterator(chunk_size=CHUNK):
        yield {
            "company": policy.company.legal_name,
            "policy_number": policy.policy_number,
            "product": policy.product,
        }


def preference_rows(policyholder):
    """Every cell of today's matrix (with the default where the customer chose nothing), then any choice
    kept for a company that no longer sends marketing."""
    companies, channels = matrix_axes()
    stored = {
        (p.company_id, p.channel_id): p
        for p in Preference.objects.filter(policyholder=policyholder).select_related("company", "channel")
    }
    for company in companies:
        for channel in channels:
            preference = stored.pop((company.pk, channel.pk), None)
            yield _preference_row(company, channel, preference, current=True)
    for preference in stored.values():
        yield _preference_row(preference.company, preference.channel, preference, current=False)


def _preference_row(company, channel, preference, *, current):
    return {
        "company": company.legal_name,
        "channel": channel.name,
        "allowed": preference.allowed if preference else channel.default_allowed,
        "chosen": preference is not None,
        "updated_at": preference.updated_at if preference else None,
        "event_id": preference.last_event_id if preference else None,
        "current": current,
    }


def _labels(choices) -> dict[str, str]:
    # Each label translated once per package, not once per row.
    return {value: str(label) for value, label in choices.choices}


def _version_url(urls: dict, slug: str, date) -> str:
    key = (slug, date)
    if key not in urls:
        urls[key] = settings.SITE_URL + reverse("notices:version", kwargs={"slug": slug, "date": date.isoformat()})
    return urls[key]


def receipt_rows(policyholder):
    sources = _labels(Source)
    receipts = (
        Receipt.objects.filter(policyholder=policyholder)
        .annotate(changes=Count("events"))
        .order_by("id")
        .values_list("number", "created_at", "source", "changes")
    )
    for number, created_at, source, changes in receipts.iterator(chunk_size=CHUNK):
        yield {"number": number, "received_at": created_at, "source": sources.get(source, source), "changes": changes}


# Rows as tuples rather than model instances: a long history costs the database's time, not Python's.
EVENT_FIELDS = [
    "id", "created_at", "receipt__number", "company__legal_name", "channel__name", "old_value", "new_value",
    "source", "reason", "notice_version__notice__title", "notice_version__notice__slug",
    "notice_version__effective_date", "ip_address", "user_agent", "previous_hash", "hash", "key_id",
]


def event_rows(policyholder):
    sources, urls = _labels(Source), {}
    events = ConsentEvent.objects.filter(policyholder=policyholder).order_by("id").values_list(*EVENT_FIELDS)
    for (pk, created_at, receipt_number, company, channel, old_value, new_value, source, reason, notice, slug,
         effective_date, ip_address, user_agent, previous_hash, hash_, key_id) in events.iterator(chunk_size=CHUNK):
        yield {
            "id": pk,
            "changed_at": created_at,
            "receipt_number": receipt_number,
            "company": company,
            "channel": channel,
            "old_value": old_value,
            "new_value": new_value,
            "source": sources.get(source, source),
            "reason": reason,
            "notice": notice,
            "notice_effective_date": effective_date,
            "notice_url": _version_url(urls, slug, effective_date) if slug else None,
            "ip_address": ip_address,
            "user_agent": user_agent,
            "previous_hash": previous_hash,
            "hash": hash_,
            "key_id": key_id,
        }


RECORD_FIELDS = [
    "id", "created_at", "kind", "notice_version__notice__title", "notice_version__notice__slug",
    "notice_version__effective_date", "source", "ip_address", "user_agent", "previous_hash", "hash", "key_id",
]


def notice_record_rows(policyholder):
    kinds, sources, urls = _labels(NoticeRecord.Kind), _labels(NoticeRecord.Source), {}
    records = NoticeRecord.objects.filter(policyholder=policyholder).order_by("id").values_list(*RECORD_FIELDS)
    for (pk, created_at, kind, notice, slug, effective_date, source, ip_address, user_agent, previous_hash, hash_,
         key_id) in records.iterator(chunk_size=CHUNK):
        yield {
            "id": pk,
            "recorded_at": created_at,
            "kind": kinds.get(kind, kind),
            "notice": notice,
            "notice_effective_date": effective_date,
            "notice_url": _version_url(urls, slug, effective_date),
            "source": sources.get(source, source),
            "ip_address": ip_address,
            "user_agent": user_agent,
            "previous_hash": previous_hash,
            "hash": hash_,
            "key_id": key_id,
        }


def email_rows(policyholder):
    statuses = _labels(OutgoingEmail.Status)
    emails = (
        OutgoingEmail.objects.filter(policyholder=policyholder)
        .order_by("id")
        .values_list("id", "kind", "receipt__number", "status", "queued_at", "sent_at", "attempts")
    )
    for pk, kind, receipt_number, status, queued_at, sent_at, attempts in emails.iterator(chunk_size=CHUNK):
        yield {
            "id": pk,
            "kind": kind_label(kind),
            "receipt_number": receipt_number,
            "status": statuses.get(status, status),
            "queued_at": queued_at,
            "sent_at": sent_at,
            "attempts": attempts,
        }


def package_rows(policyholder):
    packages = DisclosurePackage.objects.filter(policyholder=policyholder).order_by("id")
    for package in packages.iterator(chunk_size=CHUNK):
        yield {
            "id": package.pk,
            "request_number": package.request_number,
            "requested_at": package.requested_at,
            "status": package.get_status_display(),
            "built_at": package.built_at,
            "expires_at": package.expires_at,
            "sha256": package.sha256,
        }


def download_rows(policyholder):
    downloads = DisclosureDownload.objects.filter(package__policyholder=policyholder).order_by("id")
    for download in downloads.iterator(chunk_size=CHUNK):
        yield {
            "package_id": download.package_id,
            "downloaded_at": download.downloaded_at,
            "ip_address": download.ip_address,
            "user_agent": download.user_agent,
        }


BUILT_IN = [
    Section(
        key="profile", order=10, title="お客さま情報", rows=profile_rows,
        description="当ポータルに登録されているお客さまご本人の情報です（1行）。",
        columns=[
            Column("customer_number", "お客さま番号", "グループ共通のお客さま番号。"),
            Column("name", "氏名", "ご登録の氏名。"),
            Column("kana", "氏名（カナ）", "ご登録の氏名のフリガナ。"),
            Column("email", "メールアドレス", "ログインとお知らせのメールに使うアドレス。"),
            Column("birth_date", "生年月日", "ご登録の生年月日（西暦、年-月-日）。"),
            Column("postal_code", "郵便番号", "郵送でのお知らせに使う住所の郵便番号。"),
            Column("address1", "住所1", "郵送でのお知らせに使う住所（都道府県・市区町村・番地）。"),
            Column("address2", "住所2", "郵送でのお知らせに使う住所（建物名・部屋番号）。"),
            Column("created_at", "登録日時", "当ポータルにお客さま情報が登録された日時（日本時間）。"),
            Column("updated_at", "更新日時", "お客さま情報が最後に更新された日時（日本時間）。"),
        ],
    ),
    Section(
        key="policies", order=20, title="ご契約", rows=policy_rows,
        description="当ポータルが把握しているお客さまのご契約です（1契約1行）。",
        columns=[
            Column("company", "会社", "ご契約先の会社。"),
            Column("policy_number", "証券番号", "保険証券の番号。"),
            Column("product", "商品", "ご契約の商品名。"),
        ],
    ),
    Section(
        key="preferences", order=30, title="ご案内の配信設定", rows=preference_rows,
        description=(
            "会社と配信方法の組合せごとの、現在の設定です。お客さまが設定していない組合せは、"
            "配信方法ごとの既定値が適用されています（メールは特定電子メール法によりお客さまの同意がある場合のみ）。"
        ),
        columns=[
            Column("company", "会社", "ご案内を送る会社。"),
            Column("channel", "配信方法", "ご案内の方法（Web広告、ダイレクトメール、メールマガジン、お電話）。"),
            Column("allowed", "設定", "現在の設定（受け取る／受け取らない）。", labels=RECEIVE),
            Column("chosen", "設定の種類", "お客さまが設定した値か、既定値か。", labels=("お客さまの設定", "既定値")),
            Column("updated_at", "設定日時", "お客さまの設定が最後に変わった日時（既定値の場合は空欄）。"),
            Column("event_id", "変更履歴ID", "この設定を決めた変更（consent_events.csv のイベントID）。"),
            Column(
                "current", "現在のご案内対象",
                "この会社が現在ご案内を送る会社か。対象外の会社の設定も記録として残しています。",
                labels=("対象", "対象外"),
            ),
        ],
    ),
    Section(
        key="receipts", order=40, title="受付", rows=receipt_rows,
        description="配信設定の変更のお申出ごとの受付番号です（1回のお申出で複数の設定が変わることがあります）。",
        columns=[
            Column("number", "受付番号", "お申出の受付番号（受付メールに記載の番号）。"),
            Column("received_at", "受付日時", "受け付けた日時（日本時間）。"),
            Column(
                "source", "受付経路",
                "配信設定ページ、担当者による代理登録、ワンクリック配信停止、または提携システム（API）。",
            ),
            Column("changes", "変更件数", "この受付で変わった設定の数。"),
        ],
    ),
    Section(
        key="consent_events", order=50, title="配信設定の変更履歴", rows=event_rows,
        description=(
            "配信設定の変更の全記録です（1変更1行、古い順）。各行は変更時に適用されていた共同利用の"
            "通知の版（改定適用日）を示します。記録は改ざんを検知できるよう、前の記録のハッシュ値を含めて"
            "連鎖しています（ハッシュ値は当社の秘密鍵で計算しているため、お客さまご自身では検証できません）。"
        ),
        columns=[
            Column("id", "イベントID", "変更記録の番号。"),
            Column("changed_at", "変更日時", "設定が変わった日時（日本時間）。"),
            Column("receipt_number", "受付番号", "この変更を含むお申出の受付番号（receipts.csv）。"),
            Column("company", "会社", "設定が変わった会社。"),
            Column("channel", "配信方法", "設定が変わった配信方法。"),
            Column("old_value", "変更前", "変更前の設定。", labels=RECEIVE),
            Column("new_value", "変更後", "変更後の設定。", labels=RECEIVE),
            Column("source", "受付経路", "変更の経路。"),
            Column("reason", "理由", "担当者が代理で登録した場合の、お申出の内容。"),
            Column("notice", "適用されていた通知", "変更時に適用されていた「個人データの共同利用について」の通知。"),
            Column("notice_effective_date", "通知の改定適用日", "その通知の版の改定適用日（西暦、年-月-日）。"),
            Column("notice_url", "通知の版のページ", "その版の全文を読めるページのアドレス。", in_report=False),
            Column("ip_address", "IPアドレス", "お申出を送信した端末のIPアドレス（記録がある場合）。", in_report=False),
            Column(
                "user_agent", "ブラウザ情報", "お申出を送信したブラウザが名乗った名称（ユーザーエージェント）。",
                in_report=False,
            ),
            Column(
                "previous_hash", "前の記録のハッシュ値", "直前の変更記録のハッシュ値（最初の記録は0の並び）。",
                in_report=False,
            ),
            Column("hash", "ハッシュ値", "この変更記録のハッシュ値（HMAC-SHA-256）。", in_report=False),
            Column("key_id", "鍵ID", "ハッシュ値の計算に使った鍵の識別子。", in_report=False),
        ],
    ),
    Section(
        key="notice_records", order=55, title="通知のお知らせとご回答", rows=notice_record_rows,
        description=(
            "共同利用の通知の改定をお客さまにお知らせした記録（メールまたは郵送）と、同意が必要な改定への"
            "お客さまのご回答（同意する／同意しない）です（1件1行、古い順）。変更履歴と同様に、"
            "ハッシュ値で連鎖した記録です。"
        ),
        columns=[
            Column("id", "記録ID", "記録の番号。"),
            Column("recorded_at", "記録日時", "お知らせした日時、またはご回答を受け付けた日時（日本時間）。"),
            Column("kind", "種類", "メールで通知、郵送で通知、同意する、または同意しない。"),
            Column("notice", "通知", "お知らせした（ご回答いただいた）通知。"),
            Column("notice_effective_date", "通知の改定適用日", "その通知の版の改定適用日（西暦、年-月-日）。"),
            Column("notice_url", "通知の版のページ", "その版の全文を読めるページのアドレス。", in_report=False),
            Column("source", "経路", "お知らせの配信、配信設定ページ、または担当者による代理登録。"),
            Column("ip_address", "IPアドレス", "ご回答を送信した端末のIPアドレス（記録がある場合）。", in_report=False),
            Column("user_agent", "ブラウザ情報", "ご回答を送信したブラウザが名乗った名称。", in_report=False),
            Column(
                "previous_hash", "前の記録のハッシュ値", "直前の記録のハッシュ値（最初の記録は0の並び）。",
                in_report=False,
            ),
            Column("hash", "ハッシュ値", "この記録のハッシュ値（HMAC-SHA-256）。", in_report=False),
            Column("key_id", "鍵ID", "ハッシュ値の計算に使った鍵の識別子。", in_report=False),
        ],
    ),
    Section(
        key="emails", order=60, title="お客さまへのメール", rows=email_rows,
        description="お客さまにお送りした（またはお送りする予定の）メールの記録です。本文とアドレスは記録していません。",
        columns=[
            Column("id", "メールID", "メール記録の番号。"),
            Column("kind", "種類", "ログイン用リンク、受付のお知らせ、開示資料のご用意のお知らせなど。"),
            Column("receipt_number", "受付番号", "受付のお知らせの場合、その受付番号。"),
            Column("status", "状態", "送信済み、送信待ち、または送信できず。"),
            Column("queued_at", "送信依頼日時", "メールの送信を依頼した日時（日本時間）。"),
            Column("sent_at", "送信日時", "メールサーバーに渡した日時（日本時間。未送信は空欄）。"),
            Column("attempts", "送信試行回数", "送信を試みた回数。"),
        ],
    ),
    Section(
        key="disclosures", order=80, title="開示資料", rows=package_rows,
        description="お客さまのために作成した開示資料（このファイルを含む）の記録です。",
        columns=[
            Column("id", "開示資料ID", "開示資料の番号。"),
            Column("request_number", "受付番号", "開示のご請求の受付番号（ある場合）。"),
            Column("requested_at", "作成依頼日時", "作成を依頼した日時（日本時間）。"),
            Column("status", "状態", "作成中、ダウンロード可能、作成できず、またはダウンロード期間終了。"),
            Column("built_at", "作成日時", "作成を終えた日時（日本時間。このファイル自身は空欄）。"),
            Column("expires_at", "ダウンロード期限", "ダウンロードできる期限（日本時間）。"),
            Column(
                "sha256", "SHA-256", "ファイルのSHA-256ハッシュ値（ファイルが壊れていないかの確認用）。",
                in_report=False,
            ),
        ],
    ),
    Section(
        key="disclosure_downloads", order=90, title="開示資料のダウンロード", rows=download_rows,
        description="開示資料がダウンロードされた記録です。",
        columns=[
            Column("package_id", "開示資料ID", "ダウンロードされた開示資料の番号（disclosures.csv）。"),
            Column("downloaded_at", "ダウンロード日時", "ダウンロードした日時（日本時間）。"),
            Column("ip_address", "IPアドレス", "ダウンロードした端末のIPアドレス。", in_report=False),
            Column("user_agent", "ブラウザ情報", "ダウンロードしたブラウザが名乗った名称。", in_report=False),
        ],
    ),
]
