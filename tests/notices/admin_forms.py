"""The POST data the admin's notice-version change form sends, built from a version's rows."""

from notices.models import NoticeVersion


def version_form_data(version: NoticeVersion, **overrides) -> dict:
    data = {
        "notice": version.notice_id,
        "effective_date": version.effective_date.isoformat(),
        "change_summary": version.change_summary,
        "introduction": version.introduction,
        "joint_users_scope": version.joint_users_scope,
        "joint_users_note": version.joint_users_note,
        "responsible_party_name": version.responsible_party_name,
        "responsible_party_address": version.responsible_party_address,
        "responsible_party_representative": version.responsible_party_representative,
        "notes": version.notes,
        "publication_ground": version.publication_ground,
        "publication_ground_note": version.publication_ground_note,
        "legal_signoff_note": version.legal_signoff_note,
        "consent_method": version.consent_method,
        "consent_count": version.consent_count or "",
        "predecessor_company": version.predecessor_company_id or "",
        "successor_company": version.successor_company_id or "",
    }
    inlines = {
        "data_items": [{"order": r.order, "text": r.text, "sensitive": "on" if r.sensitive else ""}
                       for r in version.data_items.all()],
        "joint_users": [{"order": r.order, "company": r.company_id} for r in version.joint_users.all()],
        "purposes": [{"order": r.order, "text": r.text} for r in version.purposes.all()],
        "sections": [{"order": r.order, "heading": r.heading, "body": r.body,
                      "lists_joint_users": "on" if r.lists_joint_users else "", "topic": r.topic}
                     for r in version.sections.all()],
    }
    rows = {
        "data_items": list(version.data_items.all()),
        "joint_users": list(version.joint_users.all()),
        "purposes": list(version.purposes.all()),
        "sections": list(version.sections.all()),
    }
    for prefix, forms in inlines.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(forms)
        data[f"{prefix}-INITIAL_FORMS"] = len(forms)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, (form, row) in enumerate(zip(forms, rows[prefix], strict=True)):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-version"] = version.pk
            for name, value in form.items():
                data[f"{prefix}-{index}-{name}"] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def publish_page(client, version: NoticeVersion):
    """Open the publish page as an approver would; (response, the fingerprint its form carries)."""
    import re

    response = client.get(f"/admin/notices/noticeversion/{version.pk}/publish/")
    match = re.search(r'name="reviewed_fingerprint" value="([0-9a-f]{64})"', response.content.decode())
    return response, match.group(1) if match else None


def publish_after_review(client, version: NoticeVersion, **data):
    """Open the publish page, then press 公表する with what it showed (and `data` in the form)."""
    _response, fingerprint = publish_page(client, version)
    return client.post(
        f"/admin/notices/noticeversion/{version.pk}/publish/", {"reviewed_fingerprint": fingerprint, **data}
    )
