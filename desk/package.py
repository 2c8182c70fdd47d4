"""What the desk adds to a disclosure package (APPI Art. 33): the customer's requests and the answers
that were sent to them. Internal notes and answers not sent (awaiting approval, returned) are staff's
working papers, not the customer's data as told to them, and are left out. Registered in apps.py."""

from customers.models import Policyholder
from disclosure.sections import Column, Section

from .models import CustomerRequest, Reply


def _request_rows(policyholder: Policyholder):
    requests = CustomerRequest.objects.filter(policyholder=policyholder).select_related("company")
    for request in requests.order_by("received_at", "id").iterator():
        yield {
            "number": request.number,
            "kind": request.get_kind_display(),
            "received_at": request.received_at,
            "delivery": request.get_delivery_display(),
            "company": request.company.legal_name if request.company else "",
            "details": request.details,
            "agent_name": request.agent_name,
            "agent_relationship": request.get_agent_relationship_display(),
            "status": request.get_status_display(),
            "outcome": request.get_outcome_display(),
            "due_date": request.due_date,
            "closed_at": request.closed_at,
        }


def _answer_rows(policyholder: Policyholder):
    replies = Reply.objects.filter(request__policyholder=policyholder, status=Reply.Status.SENT).select_related(
        "request"
    )
    for reply in replies.order_by("sent_at", "id").iterator():
        yield {
            "number": reply.request.number,
            "sent_at": reply.sent_at,
            "outcome": reply.get_outcome_display(),
            "body": reply.body,
            "reason": reply.reason,
        }


SECTIONS = [
    Section(
        key="requests",
        order=70,
        title="開示等のご請求・お問合せ",
        description="このポータルでいただいたご請求（利用目的の通知、開示、訂正等、利用停止等、第三者提供の停止、"
        "ご案内の停止）とその状況。",
        columns=[
            Column("number", "受付番号", "ご請求ごとの番号。"),
            Column("kind", "ご請求の種類", "ご請求の種類と根拠条文。"),
            Column("received_at", "受付日時", "ご請求を受け付けた日時（日本時間）。"),
            Column("delivery", "開示の方法", "開示のご請求で選ばれた方法（電磁的記録または書面）。"),
            Column("company", "対象の会社", "ご請求で選ばれた会社（空欄はグループ全社）。"),
            Column("details", "ご請求の内容", "ご請求に書かれた内容。"),
            Column("agent_name", "代理人のお名前", "代理人によるご請求の場合の代理人。"),
            Column("agent_relationship", "代理人の資格", "法定代理人または任意代理人。"),
            Column("status", "状況", "受付済み、対応中、完了。"),
            Column("outcome", "対応結果", "対応済み、一部対応、対応しない。"),
            Column("due_date", "回答期限", "回答の期限。"),
            Column("closed_at", "完了日時", "ご請求が完了した日時（日本時間）。"),
        ],
        rows=_request_rows,
    ),
    Section(
        key="request_answers",
        order=71,
        title="ご請求への回答",
        description="ご請求・お問合せにお送りした回答。全部または一部に応じない回答には、その理由"
        "（個人情報保護法第36条）を含みます。",
        columns=[
            Column("number", "受付番号", "回答したご請求の受付番号。"),
            Column("sent_at", "回答日時", "回答をお送りした日時（日本時間）。"),
            Column("outcome", "対応結果", "回答でご請求を完了した場合の結果。"),
            Column("body", "回答", "回答の本文。"),
            Column("reason", "理由", "ご請求の全部または一部に応じない理由。"),
        ],
        rows=_answer_rows,
    ),
]
