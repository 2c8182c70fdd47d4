import pytest
from django.core.exceptions import ValidationError

from notices.validators import validate_corporate_number


def test_it_accepts_a_real_corporate_number():
    validate_corporate_number("7000012050002")  # 国税庁


@pytest.mark.parametrize("value", ["8000012050002", "700001205000", "７０００012050002", "70000120500a2"])
def test_it_refuses_a_wrong_one_in_japanese(value):
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(value)
    assert "法人番号" in str(error.value.messages[0])
