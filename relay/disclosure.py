"""The disclosure package's sections of this app: the customer's suppressions and the changes they made
elsewhere that reached the portal (registered from apps.py through disclosure.sections)."""

from consents.models import Capture, Suppression
from disclosure.sections import Column, Section

from .models import InboundChange

CHUNK = 2000


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def suppression_rows(policyholder):
    kinds, actions = _labels(Suppression.Kind), _labels(Suppression.Action)
    rows = Suppression.objects.filter(policyholder=policyholder).select_related("channel", "company").order_by("id")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "id": row.pk,
            "action": actions.get(row.action, row.action),
            "kind": kinds.get(row.kind, row.kind),
            "company": row.company.legal_name if row.company else "すべての会社",
            "channel": row.channel.name if row.channel else "すべての方法",
            "address": row.address,
            "reason": row.reason,
            "occurred_at": row.occurred_at,
            "created_at": row.created_at,
            "lifts": row.lifts_id,
        }


def inbound_rows(policyholder):
    origins, captures, statuses = _labels(InboundChange.Origin), _labels(Capture), _labels(InboundChange.Status)
    changes = InboundChange.objects.filter(policyholder=policyholder).select_related("company", "channel", "event")
    for change in changes.order_by("id").iterator(chunk_size=CHUNK):
        yield {
            "occurred_at": change.occurred_at,
            "received_at": change.received_at,
            "origin": origins.get(change.origin, change.origin),
            "capture": captures.get(change.capture, change.capture),
            "company": change.company.legal_name,
            "channel": change.channel.name if change.channel else "",
            "allowed": change.allowed,
            "suppression": change.get_suppression_kind_display() if change.suppression_kind else "",
            "evidence": change.evidence,
            "status": statuses.get(change.status, change.status),
            "event_id": change.event_id,
        }


SECTIONS = [
    Section(
        key="suppressions", order=52, title="ご連絡の停止",
        description="配信設定にかかわらずご連絡を止めているもの（メールの不達、迷惑メールのご申告、ご逝去、"
        "係争中の保全、お客さまご自身による全停止）と、その解除。",
        columns=[
            Column("id", "番号", "記録ごとの番号。"),
            Column("action", "記録", "停止または解除。"),
            Column("kind", "種類", "停止の理由の種類。"),
            Column("company", "対象の会社", "停止の対象の会社。"),
            Column("channel", "対象の方法", "停止の対象のご案内の方法。"),
            Column("address", "メールアドレス", "不達・ご申告があったメールアドレス。"),
            Column("reason", "理由", "停止または解除の理由。"),
            Column("occurred_at", "発生日時", "不達・ご申告などがあった日時（日本時間）。"),
            Column("created_at", "記録日時", "このポータルに記録した日時（日本時間）。"),
            Column("lifts", "解除した停止の番号", "解除の記録が解除した停止の番号。"),
        ],
        rows=suppression_rows,
    ),
    Section(
        key="inbound_changes", order=53, title="ほかの窓口でお受けした変更",
        description="コールセンター、代理店、書面、メール配信システム、SMS、店舗でお申出いただき、後からこの"
        "ポータルに記録した変更。お申出の日時が新しいものが優先されます。",
        columns=[
            Column("occurred_at", "お申出日時", "お客さまがお申出になった日時（日本時間）。"),
            Column("received_at", "記録日時", "このポータルに記録した日時（日本時間）。"),
            Column("origin", "記録の方法", "API、CSV の取込み、担当者の入力。"),
            Column("capture", "お申出の窓口", "お申出を受けた窓口。"),
            Column("company", "会社", "対象の会社。"),
            Column("channel", "ご案内の方法", "対象のご案内の方法。"),
            Column("allowed", "お申出の内容", "受け取る、受け取らない。", labels=("受け取る", "受け取らない")),
            Column("suppression", "停止の種類", "ご連絡の停止としてお受けした場合の種類。"),
            Column("evidence", "証跡の番号", "通話録音や書面の番号。"),
            Column("status", "結果", "反映した、より新しいお申出があるため記録のみ、停止した。"),
            Column("event_id", "変更履歴の番号", "配信設定の変更履歴の番号。"),
        ],
        rows=inbound_rows,
    ),
]
