"""Legal and policy periods: what the law or the group's policy decides, not the deployment.

They change by a reviewed commit, never by an environment variable: a change to one changes what the group
promises its customers or the regulator, so it must be seen in review and kept in the history (README, "Legal
and policy periods"). settings.py imports every one, so the code reads them as `settings.X` and tests override
them with pytest-django's `settings` fixture."""

# A joint-use notice version that changes the purposes of joint use or the party responsible for the data is
# published at least this many days before it takes effect (notices/rules.py, rule 2). APPI Art. 27(6) asks
# for the change to be notified or made readily accessible in advance (あらかじめ) and sets no number of days;
# 30 is the group's policy, long enough for a customer to object or to stop marketing before it applies.
NOTICE_MIN_ADVANCE_DAYS = 30

# A request to the desk (APPI Art. 32-35: 利用目的の通知, 開示, 訂正等, 利用停止等 and 第三者提供の停止) or an
# inquiry is due this many calendar days after the day it was received (Asia/Tokyo); the staff desk lists
# overdue ones first. The law asks for the answer without delay (遅滞なく; 通則ガイドライン 3-8) and sets no
# number of days: 14 is the group's policy.
REQUEST_DUE_DAYS = 14

# An agent's documents (委任状, identity documents) are deleted this many days after their request closed
# (desk.tasks.request_documents_delete). APPI Art. 22 asks that personal data no longer needed be erased
# without delay (an effort duty; 通則ガイドライン 3-4-1); 30 days, the group's policy, leave time for the
# customer's questions on the answer.
REQUEST_DOCUMENT_RETENTION_DAYS = 30

# An agent appointed by the customer sends the customer's 印鑑証明書 with the 委任状; one issued more than this
# many months before the request is refused (desk/agents.py), and so is such a certificate in staff's
# identity check (desk/identity_checks.py). APPI Art. 37(2) and 通則ガイドライン 3-8-6 let the
# business decide how an agent shows their authority; three months is the group's policy, as Japanese
# insurers and the registries ask.
REQUEST_SEAL_CERTIFICATE_MONTHS = 3

# A customer may download a disclosure package (APPI Art. 33(1): disclosure by electronic record, as the
# customer chose) for this many days after it is built; then its file is deleted (APPI Art. 22: not kept once
# it has served its purpose). 30 days is the group's policy.
DISCLOSURE_DOWNLOAD_DAYS = 30

# A staff (admin) session ends this long after its last admin request, and this long after login however busy
# (staff/sessions.py). APPI Art. 23 asks for security control measures (安全管理措置; 金融分野ガイドライン第8条;
# 通則ガイドライン 10-6, technical measures: access control) and sets no figures; these are the group's policy,
# after OWASP ASVS L2 3.3.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 12 * 60 * 60

# An opt-in the customer made elsewhere (a call, a paper reply card) and that reaches the portal later is
# refused when the customer said it more than this many days ago (consents.services.occurred_at_check): a card
# found in a drawer after months is no longer the customer's current wish and must be confirmed with them again.
# An opt-out or a stop on contact is recorded however late it arrives: 特定電子メール法 Art. 3(3) asks that it be
# honoured. 90 days is the group's policy, long enough for paper to travel from an agency (代理店).
INBOUND_CHANGE_MAX_AGE_DAYS = 90
# A time said to be this little in the future is taken as the sender's clock running ahead, not refused.
INBOUND_CHANGE_CLOCK_SKEW_SECONDS = 2 * 60

# A webhook delivery (relay/delivery.py) is tried again, with a growing wait, for at least this long
# before it is kept as failed for staff to replay; a subscriber that has failed for as long is marked and its
# owner emailed. 特定電子メール法 Art. 3(3): a group system must hear of an opt-out while it can still act on it.
WEBHOOK_RETRY_SECONDS = 24 * 60 * 60

# The assignee of an open request is emailed once this many calendar days before its due date
# (desk.tasks.request_reminders_send), so that the answer the law asks for without delay (遅滞なく) is not late.
# The group's policy.
REQUEST_REMINDER_DAYS = 3
