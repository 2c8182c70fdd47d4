import datetime

import pytest

from notices.templatetags.portal import wareki


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2019, 6, 3), "2019年6月3日（令和元年6月3日）"),
        (datetime.date(2019, 4, 30), "2019年4月30日（平成31年4月30日）"),
        (datetime.date(2019, 5, 1), "2019年5月1日（令和元年5月1日）"),
        (datetime.date(2020, 1, 1), "2020年1月1日（令和2年1月1日）"),
        (datetime.date(1989, 1, 7), "1989年1月7日（昭和64年1月7日）"),
        (datetime.date(1989, 1, 8), "1989年1月8日（平成元年1月8日）"),
        (datetime.date(1926, 12, 25), "1926年12月25日（昭和元年12月25日）"),
    ],
)
def test_it_writes_seireki_with_wareki(date, expected):
    assert wareki(date) == expected
