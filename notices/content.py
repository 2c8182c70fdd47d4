"""The content of a notice version as one plain dict: what the page renders, what publishing
freezes into the snapshot, and what the 新旧対照表 compares."""

from .models import NoticeVersion


def build_content(version: NoticeVersion) -> dict:
    return {
        "title": version.notice.title,
        "kind": version.notice.kind,
        "effective_date": version.effective_date.isoformat(),
        "change_summary": version.change_summary,
        "introduction": version.introduction,
        "data_items": [item.text for item in version.data_items.all()],
        "joint_users_scope": version.joint_users_scope,
        "joint_users_note": version.joint_users_note,
        "joint_users": [
            {
                "legal_name": joint_user.company.legal_name,
                "short_name": joint_user.company.short_name,
                "address": joint_user.company.address,
                "representative": joint_user.company.representative,
            }
            for joint_user in version.joint_users.select_related("company")
        ],
        "purposes": [purpose.text for purpose in version.purposes.all()],
        "responsible_party": {
            "name": version.responsible_party_name,
            "address": version.responsible_party_address,
            "representative": version.responsible_party_representative,
        },
        "notes": version.notes,
        "sections": [
            {"heading": section.heading, "body": section.body, "lists_joint_users": section.lists_joint_users}
            for section in version.sections.all()
        ],
    }
