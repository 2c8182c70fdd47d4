"""Dates as Japanese readers expect them on legal texts: 西暦 with 和暦, 2019年6月3日（令和元年6月3日）."""

import datetime

from django.utils import timezone

# (first day of the era, name). Dates before 明治6年 (the solar calendar) are not expected here.
ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
    (datetime.date(1912, 7, 30), "大正"),
    (datetime.date(1873, 1, 1), "明治"),
]

def today_in_tokyo() -> datetime.date:
    """The calendar day in Asia/Tokyo (TIME_ZONE), which decides the notice version in force."""
    return timezone.localdate()


def japanese_era(value: datetime.date) -> str:
    for start, name in ERAS:
        if value >= start:
            year = value.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{value.month}月{value.day}日"
    return ""


def seireki(value: datetime.date | str) -> str:
    """2019年6月3日"""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def wareki(value: datetime.date | str) -> str:
    """2019年6月3日（令和元年6月3日）"""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    era = japanese_era(value)
    return f"{seireki(value)}（{era}）" if era else seireki(value)
