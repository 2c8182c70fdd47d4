import datetime

import pytest
from django.core.management import CommandError, call_command

from customers.models import Policy, Policyholder
from tests.factories import PolicyholderFactory

HEADER = "customer_number,name,kana,email,birth_date,company,policy_number,product\n"
GOOD = [
    "C000000201,山田 太郎,ヤマダ タロウ,taro@example.com,1980-01-02,楽天生命,L-201,医療保険",
    "C000000201,山田 太郎,ヤマダ タロウ,taro@example.com,1980-01-02,楽天損害保険株式会社,N-201,自動車保険",
    "C000000202,佐藤 花子,ｻﾄｳ ﾊﾅｺ,hanako.sato@example.com,1975/3/4,楽天少短,S-202,ペット保険",
]


def write(tmp_path, rows, encoding="utf-8"):
    path = tmp_path / "policyholders.csv"
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode(encoding))
    return path


def run(path, *args):
    call_command("import_policyholders", str(path), *args)


def refused(path, capsys) -> str:
    with pytest.raises(CommandError) as error:
        run(path)
    assert error.value.returncode == 1
    assert "何も取り込んでいません" in str(error.value)
    return capsys.readouterr().err


def test_it_loads_a_cp932_file_with_kana_names(demo_content, tmp_path, capsys):
    run(write(tmp_path, GOOD, encoding="cp932"))
    taro = Policyholder.objects.get(customer_number="C000000201")
    assert (taro.name, taro.kana, taro.birth_date) == ("山田 太郎", "ヤマダ タロウ", datetime.date(1980, 1, 2))
    assert sorted(taro.policies.values_list("company__short_name", "product")) == [
        ("楽天損保", "自動車保険"), ("楽天生命", "医療保険"),
    ]
    hanako = Policyholder.objects.get(customer_number="C000000202")
    assert hanako.kana == "サトウ ハナコ"  # half-width katakana stored full-width
    assert "新規 2件" in capsys.readouterr().out


def test_it_reads_utf8_with_a_bom(demo_content, tmp_path):
    run(write(tmp_path, GOOD, encoding="utf-8-sig"))
    assert Policyholder.objects.count() == 2 and Policy.objects.count() == 3


def test_it_updates_by_customer_number(demo_content, tmp_path, capsys):
    PolicyholderFactory(customer_number="C000000201", name="旧姓 太郎", email="old@example.com")
    run(write(tmp_path, GOOD))
    taro = Policyholder.objects.get(customer_number="C000000201")
    assert (taro.name, taro.email) == ("山田 太郎", "taro@example.com")
    assert "新規 1件、更新 1件" in capsys.readouterr().out
    run(write(tmp_path, GOOD))
    assert "変更なし 2件" in capsys.readouterr().out


def test_a_dry_run_saves_nothing(demo_content, tmp_path, capsys):
    run(write(tmp_path, GOOD), "--dry-run")
    assert not Policyholder.objects.exists()
    assert "ドライラン" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("C000000203,鈴木 一郎,スズキ イチロウ,ichiro@example.com,1980-13-01,楽天生命,L-203,医療保険",
         "4行目 生年月日（birth_date）：日付は YYYY-MM-DD の形式で指定してください"),
        ("C000000203,鈴木 一郎,スズキ イチロウ,ichiro@@example,1980-01-01,楽天生命,L-203,医療保険",
         "4行目 メールアドレス（email）：メールアドレスの形式が正しくありません"),
        ("C000000201,山田 次郎,ヤマダ ジロウ,jiro@example.com,1980-01-01,楽天生命,L-203,医療保険",
         "4行目 お客さま番号（customer_number）：お客さま番号 C000000201 が2行目にもあり"),
        ("c-1,鈴木 一郎,スズキ イチロウ,ichiro@example.com,1980-01-01,楽天生命,L-203,医療保険",
         "4行目 お客さま番号（customer_number）"),
        ("C000000203,鈴木 一郎,すずき いちろう,ichiro@example.com,1980-01-01,楽天生命,L-203,医療保険",
         "4行目 氏名（カナ）（kana）：カタカナ"),
        ("C000000203,鈴木 一郎,スズキ イチロウ,ichiro@example.com,1980-01-01,存在しない保険,L-203,医療保険",
         "4行目 会社（company）：この商号または略称のグループ会社はありません"),
        ("C000000203,鈴木 一郎,スズキ イチロウ,taro@example.com,1980-01-01,楽天生命,L-203,医療保険",
         "4行目 メールアドレス（email）：このメールアドレスは、お客さま番号 C000000201 にも"),
        ("C000000203,鈴木 一郎,スズキ イチロウ,ichiro@example.com,1980-01-01,楽天生命,L-201,医療保険",
         "4行目 証券番号（policy_number）：この契約は2行目にもあります"),
        ("C000000203,鈴木 一郎,スズキ イチロウ,ichiro@example.com",
         "5行目：列の数が8列ではありません"),
    ],
)
def test_one_bad_row_loads_no_row(demo_content, tmp_path, capsys, row, expected):
    rows = [*GOOD[:2], row, GOOD[2]] if not row.endswith("example.com") else [*GOOD, row]
    stderr = refused(write(tmp_path, rows), capsys)
    assert expected in stderr
    assert not Policyholder.objects.exists() and not Policy.objects.exists()


def test_a_broken_encoding_is_refused(demo_content, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(HEADER.encode() + "C000000201,山田 太郎".encode()[:-1] + b"\xff\xfe,\n")
    assert "UTF-8 としても Shift_JIS（CP932）としても読めませんでした" in refused(path, capsys)
    assert not Policyholder.objects.exists()


def test_a_wrong_header_is_refused(demo_content, tmp_path, capsys):
    path = tmp_path / "wrong.csv"
    path.write_text("顧客番号,氏名\nC000000201,山田 太郎\n", encoding="utf-8")
    assert "1行目：見出し行は次のとおりにしてください" in refused(path, capsys)


def test_an_email_of_another_registered_customer_is_refused(demo_content, tmp_path, capsys):
    PolicyholderFactory(customer_number="C000000999", email="TARO@example.com")
    assert "このメールアドレスは、登録済みの別のお客さまのものです" in refused(write(tmp_path, GOOD), capsys)
    assert Policyholder.objects.count() == 1


def test_a_missing_file_is_a_japanese_error(db, tmp_path):
    with pytest.raises(CommandError, match="ファイルを開けませんでした"):
        run(tmp_path / "missing.csv")


def test_the_sample_file_imports(demo_content, capsys):
    call_command("import_policyholders", "demo/fixtures/policyholders_sample.csv")
    assert Policyholder.objects.filter(email__endswith="@example.com").count() == 2
    assert Policyholder.objects.count() == 3


def test_it_refuses_an_email_longer_than_the_column(demo_content, tmp_path, capsys):
    # validate_email accepts up to 320 characters; the column holds 254 (PostgreSQL would raise DataError).
    email = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63]) + ".jp"
    assert 254 < len(email) <= 320
    row = f"C000000203,鈴木 一郎,スズキ イチロウ,{email},1980-01-01,楽天生命,L-203,医療保険"
    stderr = refused(write(tmp_path, [*GOOD, row]), capsys)
    assert "5行目 メールアドレス（email）：メールアドレスは254文字以内で指定してください" in stderr
    assert not Policyholder.objects.exists()


def test_it_refuses_a_header_that_repeats_a_column(demo_content, tmp_path, capsys):
    path = tmp_path / "repeated.csv"
    header = "customer_number,name,kana,email,birth_date,company,policy_number,product,name\n"
    path.write_text(header + GOOD[0] + ",山田 次郎\n", encoding="utf-8")
    assert "1行目：見出し行は次のとおりにしてください" in refused(path, capsys)
    assert not Policyholder.objects.exists()


def test_it_reports_a_database_error_as_a_message_with_status_1(demo_content, tmp_path, capsys, monkeypatch):
    from django.db import DataError

    def refuse(parser, result):
        raise DataError("value too long for type character varying(254)")

    monkeypatch.setattr("customers.importing._apply", refuse)
    stderr = refused(write(tmp_path, GOOD), capsys)
    assert "データベースが取込みを拒否しました（DataError）。" in stderr
    assert "value too long" not in stderr  # PostgreSQL's English, which may quote a row's data


def rows_for(count: int, start: int = 300) -> list[str]:
    return [
        f"C{start + n:09d},山本 優{n},ヤマモト ユウ,yu{start + n}@example.com,1980-01-02,"
        f"楽天生命,L-{start + n},医療保険"
        for n in range(count)
    ]


def queries_to_import(tmp_path, rows) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run(write(tmp_path, rows))
    return len(queries.captured_queries)


def test_it_checks_and_writes_rows_in_set_based_queries(demo_content, tmp_path):
    """50,000 rows must not cost 50,000 lookups: the number of queries does not grow with the file."""
    PolicyholderFactory(customer_number="C000009999", email="other@example.com")
    few = queries_to_import(tmp_path, rows_for(5))
    many = queries_to_import(tmp_path, rows_for(60, start=400))
    assert many == few
    again = queries_to_import(tmp_path, rows_for(60, start=400))  # unchanged: nothing to write
    assert again <= few
    assert Policyholder.objects.count() == 66 and Policy.objects.count() == 65


def test_a_reimport_still_sees_an_email_of_another_customer_whatever_its_case(demo_content, tmp_path, capsys):
    run(write(tmp_path, rows_for(3)))
    clash = "C000000999,別人 太郎,ベツジン タロウ,YU301@Example.COM,1980-01-02,楽天生命,L-999,医療保険"
    assert "2行目 メールアドレス（email）：このメールアドレスは、登録済みの別のお客さまのものです" in refused(
        write(tmp_path, [clash]), capsys
    )


def test_the_limits_are_the_model_fields(demo_content, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(Policyholder._meta.get_field("name"), "max_length", 10)
    monkeypatch.setattr(Policy._meta.get_field("product"), "max_length", 5)
    row = "C000000203,鈴木 一郎之助之進之丞,スズキ,ichiro@example.com,1980-01-01,楽天生命,L-203,医療保険特約付き"
    stderr = refused(write(tmp_path, [*GOOD, row]), capsys)
    assert "5行目 氏名（name）：10文字以内で指定してください" in stderr
    assert "5行目 商品（product）：商品名を5文字以内で指定してください" in stderr


def write_bytes(tmp_path, lines: list[bytes]):
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + b"\n".join(lines) + b"\n")
    return path


YAMAMOTO = "C000000210,山本 優,ヤマモト ユウ,yu@example.com,1980-01-02,楽天生命,L-210,医療保険"


@pytest.mark.parametrize("cp932_first", [False, True])
def test_a_file_mixing_utf8_and_cp932_is_refused_naming_the_row(demo_content, tmp_path, capsys, cp932_first):
    utf8_rows = [row.encode() for row in GOOD]
    lines = [YAMAMOTO.encode("cp932"), *utf8_rows] if cp932_first else [*utf8_rows, YAMAMOTO.encode("cp932")]
    stderr = refused(write_bytes(tmp_path, lines), capsys)
    row = 3 if cp932_first else 5  # the first row whose encoding differs from the file's first non-ASCII row
    assert f"{row}行目" in stderr and "文字コード" in stderr
    assert not Policyholder.objects.exists()


def test_mojibake_in_a_utf8_file_is_refused(demo_content, tmp_path, capsys):
    garbled = YAMAMOTO.replace("山本 優", "山本 優".encode().decode("cp932"))
    assert "螻ｱ譛ｬ 蜆ｪ" in garbled
    stderr = refused(write(tmp_path, [*GOOD, garbled]), capsys)
    assert "5行目" in stderr and "文字化け" in stderr
    assert not Policyholder.objects.exists()


def test_a_utf8_file_forced_as_cp932_is_refused(demo_content, tmp_path, capsys):
    path = write(tmp_path, [YAMAMOTO, *GOOD])
    with pytest.raises(CommandError):
        run(path, "--encoding", "cp932")
    assert "2行目" in capsys.readouterr().err  # 山本 優 reads as CP932, as mojibake
    assert not Policyholder.objects.exists()


def test_an_undecodable_row_is_named(demo_content, tmp_path, capsys):
    stderr = refused(write_bytes(tmp_path, [GOOD[0].encode(), b"C000000299,\xff\xfe\xfd,,,,,,"]), capsys)
    assert "3行目" in stderr and "UTF-8 としても Shift_JIS（CP932）としても読めませんでした" in stderr


ADDRESS_HEADER = HEADER.rstrip("\n") + ",postal_code,address1,address2\n"


def write_with_address(tmp_path, rows):
    path = tmp_path / "with-address.csv"
    path.write_bytes((ADDRESS_HEADER + "\n".join(rows) + "\n").encode("cp932"))
    return path


def test_it_loads_postal_addresses_when_the_file_has_them(demo_content, tmp_path):
    run(write_with_address(tmp_path, [
        "C000000301,山田 太郎,ヤマダ タロウ,,1980-01-02,楽天生命,L-301,医療保険,"
        "１５８００９４,東京都世田谷区玉川1-14-1,101号室",
    ]))
    taro = Policyholder.objects.get(customer_number="C000000301")
    assert (taro.postal_code, taro.address1, taro.address2) == ("158-0094", "東京都世田谷区玉川1-14-1", "101号室")


def test_a_file_without_addresses_keeps_the_stored_ones(demo_content, tmp_path):
    PolicyholderFactory(customer_number="C000000201", postal_code="158-0094", address1="東京都世田谷区玉川1-14-1")
    run(write(tmp_path, GOOD))
    taro = Policyholder.objects.get(customer_number="C000000201")
    assert (taro.name, taro.postal_code, taro.address1) == ("山田 太郎", "158-0094", "東京都世田谷区玉川1-14-1")


@pytest.mark.parametrize(("postal_code", "address1", "message"), [
    ("158-009", "東京都世田谷区", "郵便番号"),
    ("", "東京都世田谷区", "郵便番号と住所は両方"),
    ("158-0094", "", "郵便番号と住所は両方"),
])
def test_a_bad_address_is_refused_with_its_row(demo_content, tmp_path, capsys, postal_code, address1, message):
    err = refused(write_with_address(tmp_path, [
        f"C000000301,山田 太郎,ヤマダ タロウ,,1980-01-02,楽天生命,L-301,医療保険,{postal_code},{address1},",
    ]), capsys)
    assert "2行目" in err and message in err
    assert not Policyholder.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_is_refused_naming_its_row_in_japanese(demo_content, tmp_path, capsys, character):
    bad = GOOD[2].replace("佐藤 花子", f"佐藤{character}花子")
    stderr = refused(write(tmp_path, [*GOOD[:2], bad]), capsys)
    assert "4行目：制御文字（NULなど）が含まれています。取り除いてください。" in stderr
    assert "1行目" not in stderr and not Policyholder.objects.exists()
    # In a row of ASCII the column is named too.
    path = tmp_path / "ascii.csv"
    path.write_bytes((HEADER + "\n".join([*GOOD, "C000000204,Ichiro" + character + "Suzuki,ICHIRO,"
                      "ichiro@example.com,1980-01-01,Rakuten,L-204,Medical"]) + "\n").encode())
    stderr = refused(path, capsys)
    assert "5行目 氏名（name）：制御文字（NULなど）が含まれています。取り除いてください。" in stderr


def test_a_row_that_is_not_csv_is_named_in_japanese(demo_content, tmp_path, capsys):
    import csv

    limit = csv.field_size_limit(50)
    try:
        stderr = refused(write(tmp_path, [*GOOD[:2], GOOD[2].replace("ペット保険", "x" * 60)]), capsys)
    finally:
        csv.field_size_limit(limit)
    assert "4行目：この行はCSVとして読み取れません" in stderr and "field larger" not in stderr
