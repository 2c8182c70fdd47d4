"""The staff roles and everything each may do in the admin: the one place to read or change them.

Each role is a Django group holding exactly the permissions listed here, as "app_label.codename" (what
`user.has_perm` takes). `staff.services.roles_sync` makes the groups match after every `migrate` and on
`manage.py sync_roles`: it adds what is missing, removes anything else a group holds (a permission
given by hand in the admin too), and stops with an error on a permission no installed model declares.
Groups not named here are left alone.

One permission a line, so that moving a model to another app is one edit per permission: its app label.
Two people for what customers see: 編集者 drafts and proposes, 承認者 publishes, approves and starts, and
neither role holds the other's half.
"""

EDITOR = "編集者"
APPROVER = "承認者"
SUPPORT = "顧客対応"

ROLES: dict[str, list[str]] = {
    # Drafts what customers read and prepares the campaigns that tell them of a change; publishes nothing.
    EDITOR: [
        # Notices and their versions: a draft and its rows, saved at once; publishing is the 承認者's.
        "notices.add_notice",
        "notices.change_notice",
        "notices.delete_notice",
        "notices.view_notice",
        "notices.add_noticeversion",
        "notices.change_noticeversion",
        "notices.delete_noticeversion",
        "notices.view_noticeversion",
        "notices.add_dataitem",
        "notices.change_dataitem",
        "notices.delete_dataitem",
        "notices.view_dataitem",
        "notices.add_jointuser",
        "notices.change_jointuser",
        "notices.delete_jointuser",
        "notices.view_jointuser",
        "notices.add_purpose",
        "notices.change_purpose",
        "notices.delete_purpose",
        "notices.view_purpose",
        "notices.add_section",
        "notices.change_section",
        "notices.delete_section",
        "notices.view_section",
        # Companies, the FAQ and the inquiry windows: a save of what customers see becomes a change request.
        "notices.add_company",
        "notices.change_company",
        "notices.delete_company",
        "notices.view_company",
        "faq.add_faqentry",
        "faq.change_faqentry",
        "faq.delete_faqentry",
        "faq.view_faqentry",
        "contact.add_contactwindow",
        "contact.change_contactwindow",
        "contact.delete_contactwindow",
        "contact.view_contactwindow",
        # Their own proposals and what became of them; the audit trail (read-only for everyone).
        "approvals.view_changerequest",
        "auditlog.view_logentry",
        # Notice campaigns: prepares one (changes or deletes it until it starts), downloads the postal list.
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.delete_campaign",
        "campaigns.view_campaign",
        "campaigns.view_postaldownload",
        "campaigns.download_postal_list",
        # Who was told of a version and how they answered; the opt-in figures (no personal data).
        "consents.view_noticerecord",
        "insights.view_optindashboard",
        # The fees of requests (手数料) customers are shown before they send one.
        "desk.add_requestfee",
        "desk.change_requestfee",
        "desk.delete_requestfee",
        "desk.view_requestfee",
    ],
    # Reviews and decides: publishes versions, approves or rejects proposals, starts campaigns; edits nothing.
    APPROVER: [
        # What customers see, to review it.
        "notices.view_notice",
        "notices.view_noticeversion",
        "notices.view_dataitem",
        "notices.view_jointuser",
        "notices.view_purpose",
        "notices.view_section",
        "notices.view_company",
        "faq.view_faqentry",
        "contact.view_contactwindow",
        # The decisions: never on what they last edited, proposed or prepared (the services refuse it).
        "notices.publish_noticeversion",
        "approvals.view_changerequest",
        "approvals.approve_changerequest",
        "campaigns.view_campaign",
        "campaigns.start_campaign",
        "campaigns.retry_campaign",  # resumes a campaign stopped after repeated errors
        "campaigns.view_postaldownload",
        "campaigns.download_postal_list",
        # The audit trail; who was told, and the answers to a consent request (names, customer numbers).
        "auditlog.view_logentry",
        "consents.view_noticerecord",
        "insights.view_optindashboard",
        "insights.view_consentreport",
        "desk.view_requestfee",
    ],
    # Answers customers: looks them up, records a change they asked for by phone or on paper, works the desk.
    SUPPORT: [
        # What customers read, to tell them where to turn.
        "notices.view_notice",
        "notices.view_noticeversion",
        "notices.view_dataitem",
        "notices.view_jointuser",
        "notices.view_purpose",
        "notices.view_section",
        "notices.view_company",
        "faq.view_faqentry",
        "contact.view_contactwindow",
        # The customer: their record and policies, their preferences and history, a change on their behalf.
        "customers.view_policyholder",
        "customers.change_policyholder",
        "consents.record_preference_change",  # declared by Preference: the preference center's
        "customers.view_policy",
        "customers.add_policy",
        "customers.change_policy",
        "consents.view_preference",
        "consents.view_consentevent",
        "consents.view_receipt",
        "consents.view_channel",
        "consents.view_noticerecord",
        # The emails sent to a customer (where did my receipt go?), and sending a given-up one again.
        "outbox.view_outgoingemail",
        "outbox.retry_outgoingemail",
        # The desk: the queue, assigning, notes and answers, approving another person's refusal.
        "desk.view_customerrequest",
        "desk.change_customerrequest",
        "desk.answer_customerrequest",
        "desk.approve_reply",
        "desk.view_reply",
        "desk.view_note",
        "desk.view_requestdocument",
        # Requests received by post: entered with the scanned form, then answered in the queue; the fees.
        "desk.add_postalrequest",
        "desk.view_postalrequest",
        "desk.view_requestfee",
        # A customer's disclosure packages and their downloads, and building a given-up one again.
        "disclosure.view_disclosurepackage",
        "disclosure.retry_disclosurepackage",
        "disclosure.view_disclosuredownload",
        # The opt-in figures, and the answers to a consent request (a customer asks what they answered).
        "insights.view_optindashboard",
        "insights.view_consentreport",
    ],
}
