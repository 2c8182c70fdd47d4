"""What a disclosure package covers, said in the package itself: it holds the portal's own records (the
sections of contents.py and those apps above add), not what each group company keeps in its own systems.

Two sections say so in every package, in every file (CSV, data.json, the report, the README):
- `company_records`: per joint-user company (and any company the customer has a policy with), the records
  that company keeps itself, and how the customer gets them (a request for disclosure, answered by that
  company for its own records);
- `third_party_provisions`: the records of provision to third parties (APPI Art. 29, disclosed under
  Art. 33(5)) the portal holds, or why there are none.
"""

from django.conf import settings
from django.urls import reverse

from core.dates import today_in_tokyo
from customers.models import Policy
from notices.models import Company
from notices.selectors import joint_user_ids_on, retained_data_notice_for

from .sections import Column, Section

# The package says in one sentence what it is, at the top of the report, the README and data.json.
SCOPE = (
    "この資料は、楽天インシュアランスグループのプライバシーポータル（ご案内の配信設定、通知のお知らせ、"
    "開示等のご請求の窓口）がお客さまについて記録している個人データです。グループ各社がそれぞれのシステムで"
    "保有するご契約の内容、保険金・給付金のご請求、健康状態に関する情報などの記録は含みません。"
    "各社が保有する記録とその開示の受け方は「各社が保有する記録」（company_records.csv）をご覧ください。"
)

# Every company keeps these too.
COMMON = "、お問合せ・ご相談の記録、第三者に提供した記録（提供した場合）"

# What a company of each role keeps in its own systems, in the words a policyholder knows. They are the
# kinds of record such a company keeps, not a statement that it holds each of them about this customer:
# the company's own answer to the request says that.
HELD_BY_ROLE = {
    Company.Role.LIFE: (
        "ご契約の内容（ご契約者・被保険者・受取人、保険金額、保険料など）、ご契約時の告知の内容や診査の結果など"
        "健康状態に関する情報、保険金・給付金のご請求とお支払いの記録（診断書など医療に関する情報を含みます）、"
        "保険料のお払込みの記録"
    ),
    Company.Role.NON_LIFE: (
        "ご契約の内容（補償の内容、保険の対象、保険金額、保険料など）、事故のご連絡と保険金のご請求・"
        "お支払いの記録（事故の状況、損害の内容、おけがの治療の状況など医療に関する情報を含みます）、"
        "保険料のお払込みの記録"
    ),
    Company.Role.SMALL_AMOUNT: (
        "ご契約の内容（補償の内容、保険金額、保険料など）、ご契約時の告知の内容、保険金のご請求とお支払いの"
        "記録（医療に関する情報を含む場合があります）、保険料のお払込みの記録"
    ),
    Company.Role.AGENCY: (
        "保険のご提案とご契約のお手続き（保険募集）の記録、ご意向の確認の記録"
    ),
    Company.Role.HOLDING: (
        "グループの経営管理のためにグループ各社から報告を受けた情報（ご契約やお問合せの状況など）"
    ),
}

HOW = (
    "開示のご請求をいただくと、この会社が自社の記録を確認し、ご請求への回答で、記録の内容をお渡しするか、"
    "保有していない旨をお知らせします（個人情報保護法第33条）。この資料をご請求への回答としてお受け取りの"
    "場合は、同じご請求への回答に会社ごとの結果を記載します。ご請求の方法（オンラインまたは郵送）、本人確認の"
    "書類、手数料は、この会社の「保有個人データに関する事項」をご覧ください。"
)


def companies_covered(policyholder) -> list[Company]:
    """The joint users in force today, and any other company the customer has a policy with."""
    with_policy = Policy.objects.filter(policyholder=policyholder).values("company_id")
    joint = joint_user_ids_on(today_in_tokyo())
    return list(Company.objects.filter(pk__in=joint) | Company.objects.filter(pk__in=with_policy))


def company_record_rows(policyholder):
    request_url = settings.SITE_URL + reverse("desk:new")
    contact_url = settings.SITE_URL + reverse("contact:windows")
    group_page_url = settings.SITE_URL + reverse("notices:retained_data")
    for company in companies_covered(policyholder):
        page = retained_data_notice_for(company)  # the company's own, or the group's
        yield {
            "company": company.legal_name,
            "records": HELD_BY_ROLE[company.role] + COMMON,
            "how": HOW,
            "retained_data_url": settings.SITE_URL + page.get_absolute_url() if page else group_page_url,
            "request_url": request_url,
            "contact_url": f"{contact_url}#contact-company-{company.pk}",
            "website": company.website,
        }


def third_party_provision_rows(policyholder):
    """The portal keeps no record of provision to a third party, because it makes none: the personal data it
    holds goes only to the systems of the joint users named in the joint-use notice in force (the API and
    webhooks refuse any other company) and to the processors they entrust with sending, neither of which is
    provision to a third party (APPI Art. 27(5)(i), (iii)). So there are no rows, and the section's `empty`
    says why; each company's own records of provision are in its answer (company_records)."""
    return iter(())


NO_THIRD_PARTY_PROVISION = (
    "当ポータルがお客さまの個人データを第三者に提供した記録はありません。当ポータルの記録をお渡しするのは、"
    "「個人データの共同利用について」に記載の共同利用者であるグループ各社と、その委託を受けてご案内の発送"
    "などを行う事業者に限られます。共同利用（個人情報保護法第27条第5項第3号）と委託（同項第1号）による"
    "提供は第三者への提供に当たらないため、同法第29条の記録を作成する提供はありません。グループ各社が"
    "第三者に提供した記録（提供した場合）は各社が保有しており、開示のご請求への各社の回答でお知らせします"
    "（「各社が保有する記録」をご覧ください）。"
)

SECTIONS = [
    Section(
        key="third_party_provisions", order=92, title="第三者提供記録", rows=third_party_provision_rows,
        description=(
            "当ポータルがお客さまの個人データを第三者に提供した際の記録（個人情報保護法第29条の記録。"
            "同法第33条第5項により開示します）です（1提供1行）。"
        ),
        empty=NO_THIRD_PARTY_PROVISION,
        columns=[
            Column("provided_on", "提供年月日", "個人データを提供した日（西暦、年-月-日）。"),
            Column("recipient", "提供先", "提供を受けた第三者の氏名または名称。"),
            Column("items", "個人データの項目", "提供した個人データの項目。"),
            Column("ground", "提供の根拠", "お客さまの同意、法令に基づく場合など、提供の根拠。"),
        ],
    ),
    Section(
        key="company_records", order=95, title="各社が保有する記録", rows=company_record_rows,
        description=(
            "この資料に含まれない、グループ各社がそれぞれ保有する主な記録と、その開示の受け方です（1社1行）。"
            "記載は各社が保有する記録の種類で、お客さまについて各記録があることを示すものではありません。"
        ),
        columns=[
            Column("company", "会社", "記録を保有する会社（共同利用者、またはお客さまのご契約先）。"),
            Column("records", "この会社が保有する主な記録", "この会社がそれぞれのシステムで保有する記録の種類。"),
            Column("how", "開示の受け方", "この会社の記録の開示を受ける方法。"),
            Column(
                "retained_data_url", "保有個人データに関する事項",
                "ご請求の手続（本人確認の書類、代理人によるご請求、手数料）と苦情の申出先を記載したページのアドレス。",
            ),
            Column("request_url", "開示等のご請求", "開示のご請求をお申込みいただくページのアドレス。"),
            Column("contact_url", "お問合せ窓口", "この会社のお問合せ窓口のページのアドレス。"),
            Column("website", "会社のウェブサイト", "この会社のウェブサイトのアドレス。"),
        ],
    ),
]
