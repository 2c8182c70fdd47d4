"""core.spreadsheet.excel_safe: no cell of a staff CSV starts a formula, in UTF-8 or once written in CP932
and read back (the postal list for the print vendor)."""

import csv
import io
import random

import pytest

from campaigns.postal import cp932_safe
from core.spreadsheet import FORMULA_STARTS, csv_lines, excel_safe


def read_back_cp932(text: str) -> str:
    return text.encode("cp932").decode("cp932")


def test_every_character_that_becomes_a_formula_start_in_cp932_is_neutralised():
    for code in range(0x110000):
        character = chr(code)
        try:
            back = read_back_cp932(character)
        except UnicodeError:
            continue
        if back.startswith(FORMULA_STARTS):
            assert character in FORMULA_STARTS, hex(code)


@pytest.mark.parametrize("name", ["−1+1", "＝1+1", "-2+3", "@SUM(1)", "+1", "=cmd", "\t=1", "〜1+1", "山田 太郎"])
def test_a_name_read_back_from_cp932_starts_no_formula(name):
    written = excel_safe(cp932_safe(name)[0])
    back = read_back_cp932(written)
    assert excel_safe(back) == back, back
    assert back.startswith("'") == name.startswith((*FORMULA_STARTS, "−"))


def test_fuzzed_names_in_a_cp932_file_start_no_cell_with_a_formula():
    encodable = []
    for code in range(0x20, 0x10000):
        try:
            chr(code).encode("cp932")
        except UnicodeError:
            continue
        encodable.append(chr(code))
    rng = random.Random(25)
    names = [first + "".join(rng.choices(encodable, k=3)) + "1+1" for first in encodable]
    text = "".join(csv_lines(["氏名"], ([name] for name in names))).removeprefix("\ufeff")
    cells = [row[0] for row in csv.reader(io.StringIO(read_back_cp932(text), newline=""))]
    assert len(cells) == len(names) + 1
    assert [cell for cell in cells if excel_safe(cell) != cell] == []
