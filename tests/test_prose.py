"""The prose definitions every reader and pass shares (anthology.prose): where a sentence ends,
where one starts, function words, title case."""
from __future__ import annotations

import pytest

from anthology.prose import FUNCTION_WORDS, NON_FINAL_FUNCTION_WORDS, ends_sentence, sentence_starts, title_case


@pytest.mark.parametrize("text, ends", [
    ("He left.", True),
    ("He left.” ", True),
    ("He left.**[^3]", True),
    ("as follows:", True),
    ("…and so on…", True),
    ("We repair little and badly.” (Izvestia)", True),
    ("(State and Revolution)", True),
    ("the situation in", False),
    ("Lenin, Trotsky,", False),
    ("Part II - Second revolution (1917)", False),
])
def test_ends_sentence(text, ends):
    assert ends_sentence(text) is ends


def test_a_clause_ends_at_a_comma_too():
    assert ends_sentence("Lenin, Trotsky,", clause=True)
    assert not ends_sentence("2.1. The first five-year plan", clause=True)


def test_no_sentence_starts_after_a_colon():
    text = "He said: That is so. (An aside of some length.) Then pp. 98 and G.P. Maximoff."
    assert [text[i:i + 4] for i in sentence_starts(text)] == ["(An ", "Then"]


def test_a_sentence_may_end_on_some_function_words_only():
    assert NON_FINAL_FUNCTION_WORDS < FUNCTION_WORDS
    assert {"the", "in", "which"} <= NON_FINAL_FUNCTION_WORDS
    assert not {"it", "then", "not"} & NON_FINAL_FUNCTION_WORDS


@pytest.mark.parametrize("title, cased", [
    ("ECONOMIC GROWTH AND THE ZIGZAGS OF THE LEADERSHIP", "Economic Growth and the Zigzags of the Leadership"),
    ("Comparative Estimate Of These Achievements", "Comparative Estimate of These Achievements"),
    ("Production Per Capita of the Population", "Production Per Capita of the Population"),
    ('A Sharp Turn: "Five-year Plan in Four Years"', 'A Sharp Turn: "Five-year Plan in Four Years"'),
    ("THE STATE-CAPITALISM OF THE USSR", "The State-Capitalism of the USSR"),
    ("What They Stood For", "What They Stood For"),
])
def test_title_case(title, cased):
    assert title_case(title, keep_upper={"USSR"}) == cased
