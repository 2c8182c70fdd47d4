from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from api.models import ApiClient, token_hash
from consents.selectors import marketing_companies
from contact.models import ContactWindow
from demo import content as demo
from demo import retained_data
from desk.models import RequestFee
from faq.models import FaqEntry
from notices.models import Company, DataItem, JointUser, Notice, NoticeVersion, Purpose, Section
from notices.services import notice_version_freeze

DEMO_PASSWORD = "demo-password-2019"
# Demo staff, (username, a role of staff/roles.py): an editor and an approver for the two-person publishing
# rule, two customer-support staff for the desk's second person.
DEMO_STAFF = [("editor", "編集者"), ("approver", "承認者"), ("support", "顧客対応"), ("support2", "顧客対応")]
# The demo API client's token is fixed, so that the README can name it: a demo value, never in production.
DEMO_API_CLIENT = "デモのDM発送システム"
DEMO_API_TOKEN = "pp_de000001_demo-api-token-for-make-run-never-in-prod00"
# The demo fee of a request by post (手数料, APPI Art. 38) for a notification of the purposes of use and for a
# disclosure, at every company: (yen, how paid); online requests are free. The same figures as the demo page of
# 保有個人データに関する事項 (demo/retained_data.py) publishes, so the request form and the page agree.
DEMO_POSTAL_FEE = (1000, RequestFee.Payment.POSTAL_ORDER)


class Command(BaseCommand):
    help = (
        "Loads the Rakuten Insurance group's demo notices, companies and FAQ, and demo staff accounts. "
        "Running it again changes nothing that is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the demo staff accounts.")

    @transaction.atomic
    def handle(self, *args, no_accounts=False, **options):
        companies = self.load_companies()
        group = self.load_notice(demo.GROUP_NOTICE, demo.GROUP_VERSION, demo.GROUP_NOTICE_EFFECTIVE_DATE, companies)
        shotan = self.load_notice(demo.SHOTAN_NOTICE, demo.SHOTAN_VERSION, demo.EFFECTIVE_DATE, companies)
        self.load_faq(shotan)
        self.load_contact_windows(companies)
        self.load_retained_data(companies)
        self.load_request_fees(companies)
        if options["verbosity"]:
            self.stdout.write(f"Demo content: {len(companies)} companies, notices {group.slug} and {shotan.slug}, "
                              f"{len(demo.FAQ_ENTRIES)} FAQ entries, {len(demo.CONTACT_WINDOWS)} inquiry windows "
                              "(their phone numbers and addresses are demo values), "
                              f"{1 + len(retained_data.COMPANY_PAGES)} pages of items on retained personal data and "
                              "an FAQ entry on requests (texts written for the demo).")
        if not no_accounts:
            self.load_accounts(verbosity=options["verbosity"])

    def load_request_fees(self, companies: dict[str, Company]) -> None:
        for company in companies.values():
            for kind in RequestFee.FEE_KINDS:
                for route, fee in (("online", (0, RequestFee.Payment.FREE)), ("postal", DEMO_POSTAL_FEE)):
                    RequestFee.objects.get_or_create(company=company, kind=kind, route=route,
                                                     defaults={"amount": fee[0], "payment": fee[1]})

    def load_companies(self) -> dict[str, Company]:
        companies = {}
        for order, fields in enumerate(demo.COMPANIES, start=1):
            company, _ = Company.objects.get_or_create(
                legal_name=fields["legal_name"], defaults={**fields, "display_order": order}
            )
            companies[company.legal_name] = company
        return companies

    def load_notice(self, notice_fields, version_fields, effective_date, companies) -> Notice:
        notice_fields = dict(notice_fields)
        company_name = notice_fields.pop("company")
        notice_fields["company"] = companies[company_name] if company_name else None
        notice, _ = Notice.objects.get_or_create(slug=notice_fields["slug"], defaults=notice_fields)
        if notice.versions.published().filter(effective_date=effective_date).exists():
            return notice
        companies_url = demo.company_list_url()
        contact_url = demo.contact_windows_url()
        version = NoticeVersion.objects.create(
            notice=notice,
            effective_date=effective_date,
            introduction=version_fields["introduction"],
            joint_users_scope=version_fields["joint_users_scope"],
            joint_users_note=version_fields["joint_users_note"].format(companies_url=companies_url),
            responsible_party_name=version_fields["responsible_party_name"],
            notes=version_fields["notes"],
        )
        DataItem.objects.bulk_create(
            DataItem(version=version, order=order, text=text)
            for order, text in enumerate(version_fields["data_items"], start=1)
        )
        JointUser.objects.bulk_create(
            JointUser(version=version, order=order, company=companies[name])
            for order, name in enumerate(version_fields["joint_users"], start=1)
        )
        Purpose.objects.bulk_create(
            Purpose(version=version, order=order, text=text)
            for order, text in enumerate(version_fields["purposes"], start=1)
        )
        Section.objects.bulk_create(
            Section(
                version=version,
                order=order,
                heading=section["heading"],
                body=section["body"].format(companies_url=companies_url, contact_url=contact_url),
                lists_joint_users=section.get("lists_joint_users", False),
            )
            for order, section in enumerate(version_fields["sections"], start=1)
        )
        notice_version_freeze(version=version)
        return notice

    def load_faq(self, notice: Notice) -> None:
        for order, entry in enumerate(demo.FAQ_ENTRIES, start=1):
            FaqEntry.objects.get_or_create(
                number=entry["number"],
                defaults={**entry, "order": order, "notice": notice, "category": demo.FAQ_CATEGORY},
            )

    def load_contact_windows(self, companies: dict[str, Company]) -> None:
        for order, window in enumerate(demo.CONTACT_WINDOWS, start=1):
            fields = dict(window)
            company, name = companies[fields.pop("company")], fields.pop("name")
            ContactWindow.objects.get_or_create(
                company=company, name=name, defaults={**fields, "display_order": order}
            )

    def load_retained_data(self, companies: dict[str, Company]) -> None:
        """The pages of 保有個人データに関する事項 and the FAQ entry on requests: texts written for the demo."""
        urls = {
            "request_url": reverse("desk:new"),
            "form_url": reverse("notices:request_form_pdf"),
            "common_url": reverse("notices:retained_data"),
            "contact_url": demo.contact_windows_url(),
        }
        pages = [{"notice": retained_data.GROUP_NOTICE, "version": retained_data.GROUP_VERSION}]
        for page in pages + retained_data.COMPANY_PAGES:
            fields = dict(page["notice"])
            company_name = fields.pop("company")
            fields["company"] = companies[company_name] if company_name else None
            notice, _ = Notice.objects.get_or_create(slug=fields["slug"], defaults=fields)
            if notice.versions.published().filter(effective_date=retained_data.EFFECTIVE_DATE).exists():
                continue
            content = page["version"]
            version = NoticeVersion.objects.create(
                notice=notice,
                effective_date=retained_data.EFFECTIVE_DATE,
                introduction=content["introduction"],
                responsible_party_name=content["responsible_party_name"],
                responsible_party_address=content["responsible_party_address"],
                responsible_party_representative=content["responsible_party_representative"],
                notes=content["notes"],
            )
            Purpose.objects.bulk_create(
                Purpose(version=version, order=order, text=text)
                for order, text in enumerate(content["purposes"], start=1)
            )
            Section.objects.bulk_create(
                Section(version=version, order=order, topic=section["topic"], heading=section["heading"],
                        body=section["body"].format(**urls))
                for order, section in enumerate(content["sections"], start=1)
            )
            notice_version_freeze(version=version)
        entry = retained_data.FAQ_ENTRY
        FaqEntry.objects.get_or_create(
            number=entry["number"],
            defaults={
                **entry,
                "answer": entry["answer"].format(page_url=urls["common_url"]),
                "order": len(demo.FAQ_ENTRIES) + 1,
                "category": retained_data.FAQ_CATEGORY,
                "notice": Notice.objects.get(slug=retained_data.GROUP_NOTICE["slug"]),
            },
        )

    def load_accounts(self, *, verbosity: int) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created in production; use --no-accounts.")
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        for username, group_name in DEMO_STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, f"{username}@example.com", DEMO_PASSWORD, is_staff=True)
                user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        self.load_api_client()
        if verbosity:
            self.stdout.write(f"Demo admin: user admin, password {DEMO_PASSWORD}")
            for username, group_name in DEMO_STAFF:
                self.stdout.write(f"Demo {group_name}: user {username}, password {DEMO_PASSWORD}")
            self.stdout.write(f"Demo API client ({DEMO_API_CLIENT}): Authorization: Bearer {DEMO_API_TOKEN}")

    def load_api_client(self) -> None:
        if ApiClient.objects.filter(name=DEMO_API_CLIENT).exists():
            return
        client = ApiClient.objects.create(
            name=DEMO_API_CLIENT, token_prefix=DEMO_API_TOKEN[3:11], token_hash=token_hash(DEMO_API_TOKEN)
        )
        client.companies.set(marketing_companies())
