from .models import Channel

# (code, name, default_allowed): email needs prior opt-in (特定電子メール法); the others are
# announced joint use, on until the customer stops them. Migration 0002 creates the same rows.
CHANNELS = [
    (Channel.Code.WEB_ADS, "ウェブ広告", True),
    (Channel.Code.DIRECT_MAIL, "DM（ダイレクトメール）", True),
    (Channel.Code.EMAIL, "メールマガジン", False),
    (Channel.Code.PHONE, "電話", True),
]


def channels_ensure() -> None:
    """Create any of the four channels that is missing (after a database flush, say); never changes one."""
    for order, (code, name, default_allowed) in enumerate(CHANNELS, start=1):
        Channel.objects.get_or_create(
            code=code, defaults={"name": name, "default_allowed": default_allowed, "display_order": order}
        )
