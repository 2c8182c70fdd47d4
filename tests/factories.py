import datetime

import factory

from faq.models import FaqEntry
from notices.models import Company, DataItem, JointUser, Notice, NoticeVersion, Purpose
from notices.services import notice_version_create_draft, notice_version_freeze


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"テスト保険{n}株式会社")
    short_name = factory.Sequence(lambda n: f"テスト{n}")
    role = Company.Role.LIFE
    markets_to_customers = True


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    slug = factory.Sequence(lambda n: f"notice-{n}")
    title = factory.Sequence(lambda n: f"個人データの共同利用について{n}")


class NoticeVersionFactory(factory.django.DjangoModelFactory):
    """A complete joint-use draft: every statutory item, with address and representative."""

    class Meta:
        model = NoticeVersion
        skip_postgeneration_save = True

    notice = factory.SubFactory(NoticeFactory)
    effective_date = datetime.date(2019, 6, 3)
    introduction = "当社グループは、以下のとおり個人データを共同利用します。"
    joint_users_scope = "テストグループ"
    responsible_party_name = "テスト保険ホールディングス株式会社"
    responsible_party_address = "東京都世田谷区玉川一丁目14番1号"
    responsible_party_representative = "代表取締役社長 山田太郎"

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if not create:
            return
        DataItem.objects.create(version=self, order=1, text="氏名、住所、生年月日")
        JointUser.objects.create(version=self, order=1, company=CompanyFactory())
        for order, text in enumerate(extracted or ["保険契約の引受け", "各種商品のご案内"], start=1):
            Purpose.objects.create(version=self, order=order, text=text)


def published_version(**kwargs) -> NoticeVersion:
    return notice_version_freeze(version=NoticeVersionFactory(**kwargs))


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    number = factory.Sequence(lambda n: n + 100)
    question = factory.Sequence(lambda n: f"質問{n}ですか?")
    answer = "回答です。"


class PolicyholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Policyholder"

    customer_number = factory.Sequence(lambda n: f"C{n:09d}")
    name = factory.Sequence(lambda n: f"楽天 花子{n}")
    kana = "ラクテン ハナコ"
    email = factory.Sequence(lambda n: f"hanako{n}@example.com")
    birth_date = datetime.date(1985, 4, 1)


class ApiClientFactory(factory.django.DjangoModelFactory):
    """An API client; `client.token` holds its token in clear, which only the test ever sees."""

    class Meta:
        model = "api.ApiClient"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"DM配送システム{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        client = model_class(*args, **kwargs)
        token = client.issue_token()
        client.save()
        client.token = token
        return client

    @factory.post_generation
    def companies(self, create, extracted, **kwargs):
        if create and extracted:
            self.companies.set(extracted)


def announced_group_version(*, editor, effective_date=datetime.date(2030, 4, 1)) -> NoticeVersion:
    """The demo group notice revised from `effective_date`: a new joint user and a new purpose, with consent
    as the ground (the demo content must be loaded)."""
    notice = Notice.objects.get(slug="group-joint-use")
    draft = notice_version_create_draft(notice=notice, user=editor, on=datetime.date(2026, 1, 1))
    draft.effective_date = effective_date
    draft.change_summary = "楽天ペイメント株式会社を共同利用者に加えるため。"
    draft.save()
    newcomer = CompanyFactory(legal_name="楽天ペイメント株式会社", short_name="楽天ペイ", corporate_number="")
    JointUser.objects.create(version=draft, company=newcomer, order=99)
    Purpose.objects.create(version=draft, order=99, text="決済サービスのご案内のため")
    draft.publication_ground = NoticeVersion.Ground.CONSENT
    return notice_version_freeze(version=draft, update_fields=("publication_ground",))
