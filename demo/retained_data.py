"""The demo's pages of 保有個人データに関する事項 (APPI Art. 32(1)): the group's common items and one page per
company, and the FAQ entry that points to them.

WRITTEN FOR THE DEMO: unlike demo/content.py, nothing here is the group's published text. The group has
published no such page in the source, so these texts were written for the demo, and each page says so. The
addresses, representatives and phone numbers are demo values that cannot be posted to or dialled (〒000-0000,
03-0000-…), as the inquiry windows' are. The 認定個人情報保護団体 are named by their real names; their phone
numbers here are demo values, marked as such on the page.

Bodies are Markdown; `{request_url}`, `{form_url}`, `{common_url}` and `{contact_url}` are filled in by the
loader with the site's own addresses.
"""

import datetime

# WRITTEN FOR THE DEMO: the day from which the amended Art. 32(1) (安全管理措置 among the items) is in force.
EFFECTIVE_DATE = datetime.date(2022, 4, 1)

DEMO_NOTE = (
    "※このページは、デモのために作成した文章です。楽天インシュアランスグループが公表している文章ではありません。"
    "住所・代表者・電話番号はデモ用の値で、実在のものではありません。"
)
DEMO_ADDRESS = "〒000-0000 東京都（デモ用の住所）"

GROUP_NOTICE = {
    "slug": "retained-data",
    "title": "保有個人データに関する事項（楽天インシュアランスグループ共通事項）",
    "kind": "retained_data",
    "company": None,
    "display_order": 10,
}

PROCEDURE = """\
個人情報保護法にもとづく利用目的の通知、開示（第三者提供記録の開示を含みます）、訂正・追加・削除、利用停止・消去、第三者提供の停止（以下「開示等」）のご請求は、次のとおりお受けします。

### オンラインでのご請求（ご登録のメールアドレスでログインできるお客さま）
[ご請求のページ]({request_url})からお申込みください。開示、訂正等、利用停止等、第三者提供の停止のご請求では、ご契約の証券番号と生年月日により、ご本人であることを確認します。

### 郵送でのご請求（相続人、代理人、ご契約者でない方など、上記以外の方）
[開示等請求書（PDF）]({form_url})を印刷してご記入のうえ、次の書類を同封し、請求書に記載の送付先へ郵送してください。

### 本人確認書類（写し1点）
- 運転免許証
- マイナンバーカード（表面のみ。個人番号が記載された裏面は送らないでください）
- 健康保険の資格確認書・被保険者証（記号・番号・保険者番号・QRコードを黒塗りしてください）
- パスポート

本籍地が記載されている場合は、本籍地も黒塗りしてください。

### 代理人によるご請求
- 任意代理人：委任状（ご本人の実印を押印したもの）、ご本人の印鑑証明書（発行日から3か月以内のもの）、代理人の本人確認書類の写し
- 法定代理人：法定代理権を確認できる書類（親権者は戸籍謄本、成年後見人は登記事項証明書。いずれも発行日から3か月以内のもの）、代理人の本人確認書類の写し
- 相続人：ご本人の死亡と相続関係がわかる戸籍謄本等（発行日から3か月以内のもの）、相続人の本人確認書類の写し

### 手数料とお支払方法
| ご請求 | オンライン | 郵送 |
|---|---|---|
| 利用目的の通知 | 無料 | 1件につき1,000円 |
| 開示（第三者提供記録の開示を含みます） | 無料 | 1件につき1,000円 |
| 訂正・追加・削除、利用停止・消去、第三者提供の停止 | 無料 | 無料 |

郵送でのご請求の手数料は、金額分の定額小為替（受取人欄は空欄のまま）を請求書に同封してお支払いください。手数料が同封されていない場合や不足する場合は、その旨をご連絡し、届くまで回答をお待ちいただきます。

### 回答の方法
- 電磁的記録：オンラインでご請求の場合は、ご請求のページから回答と開示資料（ZIPファイル）をダウンロードいただけます。
- 書面：郵送でのご請求の場合、または書面をご希望の場合は、ご本人の登録住所へ簡易書留でお送りします。

受付から14日以内の回答を目安としています。書類や手数料をお待ちしている間は、その日数を除きます。"""

SECURITY = """\
当社グループは、取り扱う個人データの漏えい、滅失または毀損の防止その他の安全管理のため、次の措置を講じています。

- 基本方針の策定：個人データの適正な取扱いの確保のため、「関係法令・ガイドライン等の遵守」「質問および苦情処理の窓口」等についての基本方針を策定しています。
- 個人データの取扱いに係る規律の整備：取得、利用、保存、提供、削除・廃棄等の段階ごとに、取扱方法、責任者・担当者およびその任務等について取扱規程を策定しています。
- 組織的安全管理措置：個人データの取扱いに関する責任者を設置し、法令や取扱規程に違反している事実またはその兆候を把握した場合の報告連絡体制を整備しています。取扱状況について定期的に自己点検を実施するとともに、他部署や外部の者による監査を実施しています。
- 人的安全管理措置：個人データの取扱いに関する留意事項について、従業者に定期的な研修を実施しています。個人データについての秘密保持に関する事項を就業規則に記載しています。
- 物理的安全管理措置：個人データを取り扱う区域において、従業者の入退室管理および持ち込む機器等の制限を行うとともに、権限を有しない者による個人データの閲覧を防止する措置を実施しています。個人データを取り扱う機器、電子媒体および書類等の盗難または紛失等を防止するための措置を講じています。
- 技術的安全管理措置：アクセス制御を実施して、担当者および取り扱う個人情報データベース等の範囲を限定しています。個人データを取り扱う情報システムを外部からの不正アクセスまたは不正ソフトウェアから保護する仕組みを導入しています。
- 外的環境の把握：当社グループは、個人データを日本国内で保管しています。外国にある事業者に個人データの取扱いを委託する場合、またはクラウドサービスにより外国のサーバーに保管する場合は、その国の個人情報の保護に関する制度を把握したうえで安全管理措置を実施し、このページでその国の名称をお知らせします。"""

COMPLAINTS_GROUP = """\
個人情報の取扱いに関する苦情・ご相談は、各社の[お問合せ窓口]({contact_url})でお受けします。郵送でも受け付けます（送付先は各窓口の住所です）。"""

ACCREDITED_BODIES_GROUP = """\
当社グループの保険会社は、次の認定個人情報保護団体の対象事業者です。各団体は、対象事業者の個人情報の取扱いに関する苦情の解決の申出を受け付けています。

- 一般社団法人生命保険協会 生命保険相談所（楽天生命保険株式会社）　電話：03-0000-0011（デモ用の値）
- 一般社団法人日本損害保険協会 そんぽADRセンター（楽天損害保険株式会社）　電話：03-0000-0012（デモ用の値）
- 一般社団法人日本少額短期保険協会 少額短期ほけん相談室（楽天少額短期保険株式会社）　電話：03-0000-0013（デモ用の値）

※各団体の電話番号はデモ用の値で、実在の番号ではありません。実際の連絡先は各団体のウェブサイトでご確認ください。"""

GROUP_VERSION = {
    "introduction": (
        "このページは、楽天インシュアランスグループ各社に共通する「保有個人データに関する事項」（個人情報保護法第32条）です。"
        "各社の名称・住所・代表者、利用目的、苦情の申出先と認定個人情報保護団体は、下の各社のページに記載しています。"
    ),
    "responsible_party_name": "楽天インシュアランスホールディングス株式会社",
    "responsible_party_address": DEMO_ADDRESS,
    "responsible_party_representative": "代表取締役社長　（デモ用の氏名）",
    "purposes": [
        "グループの経営管理、各種リスク管理およびこれらに付帯する業務ならびに法令等の遵守",
        "「個人データの共同利用について」に記載の目的での共同利用",
        "開示等のご請求、苦情・ご相談への対応",
    ],
    "notes": DEMO_NOTE,
    "sections": [
        {"topic": "procedure", "heading": "開示等のご請求の手続", "body": PROCEDURE},
        {"topic": "security", "heading": "安全管理措置", "body": SECURITY},
        {"topic": "complaints", "heading": "苦情の申出先", "body": COMPLAINTS_GROUP},
        {"topic": "accredited_body", "heading": "認定個人情報保護団体", "body": ACCREDITED_BODIES_GROUP},
    ],
}

COMMON_PROCEDURE = (
    "ご請求の方法、本人確認書類、代理人の書類、手数料とお支払方法、回答の方法は、"
    "[グループ共通事項]({common_url})のとおりです。"
)
COMMON_SECURITY = "[グループ共通事項]({common_url})に記載の安全管理措置（外的環境の把握を含みます）を講じています。"
NO_ACCREDITED_BODY = "当社が対象事業者となっている認定個人情報保護団体はありません。"


def _accredited(association: str, office: str, phone: str) -> str:
    return (
        f"当社は、{association}の対象事業者です。同協会では、対象事業者の個人情報の取扱いに関する苦情・相談をお受けしています。\n\n"
        f"{office}　電話：{phone}（デモ用の値。実在の番号ではありません）"
    )


def _company_page(slug: str, company: str, order: int, *, purposes: list[str], accredited: str) -> dict:
    return {
        "notice": {
            "slug": slug,
            "title": f"保有個人データに関する事項（{company}）",
            "kind": "retained_data",
            "company": company,
            "display_order": order,
        },
        "version": {
            "introduction": f"{company}の「保有個人データに関する事項」（個人情報保護法第32条）です。",
            "responsible_party_name": company,
            "responsible_party_address": DEMO_ADDRESS,
            "responsible_party_representative": "代表取締役社長　（デモ用の氏名）",
            "purposes": purposes,
            "notes": DEMO_NOTE,
            "sections": [
                {"topic": "procedure", "heading": "開示等のご請求の手続", "body": COMMON_PROCEDURE},
                {"topic": "security", "heading": "安全管理措置", "body": COMMON_SECURITY},
                {
                    "topic": "complaints",
                    "heading": "苦情の申出先",
                    "body": f"個人情報の取扱いに関する苦情・ご相談は、[{company}のお問合せ窓口]({{contact_url}})でお受けします。",
                },
                {"topic": "accredited_body", "heading": "認定個人情報保護団体", "body": accredited},
            ],
        },
    }


INSURANCE_PURPOSES = [
    "各種保険契約のお引受け、ご継続・維持管理、保険金・給付金等のお支払い",
    "関連会社・提携会社を含む各種商品・サービスのご案内・提供、ご契約の維持管理",
    "当社業務に関する情報提供・運営管理、商品・サービスの充実",
    "その他保険に関連・付随する業務",
]

COMPANY_PAGES = [
    _company_page(
        "retained-data-holdings", "楽天インシュアランスホールディングス株式会社", 11,
        purposes=["子会社等の経営管理、各種リスク管理およびこれらに付帯する業務ならびに法令等の遵守"],
        accredited=NO_ACCREDITED_BODY,
    ),
    _company_page(
        "retained-data-life", "楽天生命保険株式会社", 12, purposes=INSURANCE_PURPOSES,
        accredited=_accredited("一般社団法人生命保険協会", "生命保険相談所", "03-0000-0011"),
    ),
    _company_page(
        "retained-data-general", "楽天損害保険株式会社", 13, purposes=INSURANCE_PURPOSES,
        accredited=_accredited("一般社団法人日本損害保険協会", "そんぽADRセンター", "03-0000-0012"),
    ),
    _company_page(
        "retained-data-shotan", "楽天少額短期保険株式会社", 14, purposes=INSURANCE_PURPOSES,
        accredited=_accredited("一般社団法人日本少額短期保険協会", "少額短期ほけん相談室", "03-0000-0013"),
    ),
    _company_page(
        "retained-data-planning", "楽天インシュアランスプランニング株式会社", 15,
        purposes=[
            "保険契約の募集、ご契約の維持管理のための引受保険会社への取次ぎ",
            "取り扱う保険商品・サービスのご案内",
        ],
        accredited=NO_ACCREDITED_BODY,
    ),
]

# WRITTEN FOR THE DEMO: an FAQ entry that a search for 「開示」 finds, pointing to the group's page ({page_url}).
FAQ_ENTRY = {
    "number": 8,
    "question": "自分の個人情報の開示や訂正、利用停止を請求するにはどうすればよいですか？",
    "answer": (
        "ご登録のメールアドレスでログインできるお客さまは、ポータルのご請求のページからオンラインでご請求いただけます。"
        "相続人や代理人の方、ご契約者でない方は、開示等請求書を印刷してご記入のうえ、本人確認書類などを同封して郵送でご請求ください。\n"
        "ご請求の方法、必要な書類、手数料、回答の方法は[保有個人データに関する事項]({page_url})をご覧ください。\n"
        "※この回答はデモのために作成した文章です。"
    ),
}
FAQ_CATEGORY = "保有個人データの開示等のご請求"
