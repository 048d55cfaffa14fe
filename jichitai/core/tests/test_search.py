from hypothesis import given
from hypothesis import strategies as st

from jichitai.core.japanese.text import normalize_for_search
from jichitai.core.search import search_terms


def test_kana_width_and_case_are_folded() -> None:
    assert normalize_for_search("粗大ゴミ") == normalize_for_search("粗大ごみ")
    assert normalize_for_search("ｼﾞﾄﾞｳ") == normalize_for_search("ジドウ") == "じどう"
    assert normalize_for_search("ＡＢＣ１２３") == "abc123"
    assert normalize_for_search("  住民票\u3000の写し ") == "住民票 の写し"


def test_query_terms_are_split_on_any_space() -> None:
    assert search_terms("住民票\u3000郵送 ") == ["住民票", "郵送"]
    assert search_terms("   ") == []


@given(st.text())
def test_normalising_is_idempotent(text: str) -> None:
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once
