import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.core.japanese import municipality_code


@pytest.mark.parametrize(
    ("first_five", "digit"),
    [("13111", "3"), ("09201", "1"), ("13101", "6"), ("01100", "2")],
)
def test_check_digit_of_known_codes(first_five: str, digit: str) -> None:
    assert municipality_code.check_digit(first_five) == digit


@pytest.mark.parametrize("code", ["131113", "092011", "131016"])
def test_valid_codes(code: str) -> None:
    assert municipality_code.is_valid(code)


@pytest.mark.parametrize("code", ["131112", "13111", "1311130", "１３１１１３", "13111a", ""])
def test_invalid_codes(code: str) -> None:
    assert not municipality_code.is_valid(code)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_exactly_one_check_digit_is_valid(first_five: str) -> None:
    valid = [d for d in "0123456789" if municipality_code.is_valid(first_five + d)]
    assert valid == [municipality_code.check_digit(first_five)]
