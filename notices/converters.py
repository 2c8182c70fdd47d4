import datetime


class IsoDateConverter:
    """YYYY-MM-DD in a URL; an impossible date such as 2019-13-45 matches nothing, so it is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else value
