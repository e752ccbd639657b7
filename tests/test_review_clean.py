"""Regression tests for the cleaning findings of the bad-input review (2026-11-23), one per finding.

Each test is the review's minimal reproducer with the behaviour the review expected. The ids
(D1a, D7, C2, ...) are the review's. Loader findings are in ``test_review_load.py``; runner,
figure and segmentation findings in ``test_review_runner.py``.
"""

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.clean import clean_article, normalise

H = "Russia and NATO talks end without agreement\n\nBRUSSELS - Officials met for four hours on Wednesday.\n\n"


def removed(raw, **kw):
    return [(r["rule"], r["text"]) for r in clean_article(raw, **kw).removed if r["action"] == "removed"]


def survives(line, raw, **kw):
    return normalise(line) in clean_article(raw, **kw).text.split("\n")


def test_D1a_quotation_and_its_shortened_pull_quote_never_both_go():
    quotation = '"We will not allow NATO to expand further east, and we want legal guarantees now."'
    raw = H + f"Putin repeated his demands on Thursday:\n\n{quotation}\n\n" '"We will not allow NATO to expand further east"\n\nThe talks will continue next week.'
    art = clean_article(raw)
    assert quotation in art.text.split("\n")
    # the shortened pull quote repeats only words of the quotation: it may go
    assert removed(raw) == [("pull_quote", '"We will not allow NATO to expand further east"')]


def test_D1b_standalone_quotation_with_a_sentence_found_nowhere_else_stays():
    quotation = '"Russia does not want a war in Europe. We want legally binding security guarantees."'
    raw = H + 'Putin said "Russia does not want a war in Europe" and demanded guarantees.\n\nHe added:\n\n' + quotation + "\n\nTalks continue."
    assert survives(quotation, raw)
    art = clean_article(raw)
    assert [(r["rule"], r["action"]) for r in art.kept] == [("pull_quote", "kept")]
    assert "legally" in art.kept[0]["note"] and "binding" in art.kept[0]["note"]


@pytest.mark.parametrize(
    "paragraph",
    [
        # the two attributed quotation paragraphs the review found deleted in held-out US news
        '"We have made progress," Holder added. "This country is capable of change, and we have seen it."',
        '"She is fine," Bardack added.. "She is in excellent physical condition and will be back at work on Monday."',
    ],
)
def test_D1_attributed_quotation_paragraphs_survive(paragraph):
    first = paragraph.split('"')[1]
    raw = f"Headline here\n\nThe officials spoke on Friday. \"{first}\" was the first thing said.\n\n{paragraph}\n\n{paragraph.split(chr(34))[1]}\n\nMore text."
    assert survives(paragraph, raw)


def test_D2_unpunctuated_sentence_echoing_a_quote_stays():
    line = "The West ignored every single one of our key security demands, Lavrov repeated on Thursday"
    raw = H + 'Lavrov said the West had "ignored every single one of our key security demands" on Wednesday.\n\n' + line + "\n\nTalks continue."
    assert survives(line, raw)


@pytest.mark.parametrize(
    "line",
    [
        "Related talks in Geneva ended without a breakthrough",
        "See also the OSCE meeting on Thursday, which Lavrov skipped",
        "More from Moscow: Peskov said the Kremlin was disappointed",
        "Full coverage of the summit was broadcast on Rossiya 24",
        "Read more than 100 pages of the draft treaty and you see the problem",
    ],
)
def test_D3_link_line_rule_keeps_sentences_that_start_with_its_words(line):
    assert survives(line, H + line + "\n\nTalks continue.")


@pytest.mark.parametrize("line", ["Copyright law was not discussed", "Credit: Russia wants a line of credit from China"])
def test_D4_photo_credit_rule_keeps_sentences(line):
    assert survives(line, H + line + "\n\nTalks continue.")


def test_D5_final_lower_case_line_is_not_a_signoff():
    assert survives("etc.", H + "Russia wants limits on troops, missiles, drills,\n\netc.")
    assert survives("body.", H + "The last line of the\n\nbody.")


def test_D5_final_agency_names_are_a_signoff_documented():
    """A last line of agency names only ('Reuters, AP') is a credit and goes, as documented."""
    assert removed(H + "Talks continue.\n\nReuters, AP") == [("agency_signoff", "Reuters, AP")]


def test_D6_crosshead_after_two_blank_lines_stays():
    raw = H + "Stoltenberg spoke first.\n\n\nDifferences remain\n\nBoth sides said differences remain.\n\nMore talks are planned.\n\nNothing else happened."
    assert survives("Differences remain", raw)


@pytest.mark.parametrize("headline", ["More from Moscow as talks stall", "Copyright row over Russian TV broadcasts", "Related: Russia's demands explained", "Video"])
def test_D7_headline_that_looks_like_furniture_stays_the_title(headline):
    art = clean_article(f"{headline}\n\nPutin met Macron for five hours.\n\nThey agreed on nothing.")
    assert (art.title, art.title_from) == (headline, "first_line")
    assert art.text == "Putin met Macron for five hours.\n\nThey agreed on nothing."


def test_D8_title_field_that_looks_like_furniture_deletes_nothing():
    art = clean_article("Putin met Macron in Moscow.\n\nThey agreed on nothing.", title="More from Moscow as talks stall")
    assert art.text == "Putin met Macron in Moscow.\n\nThey agreed on nothing."
    assert art.removed == []


def test_D9_title_field_with_a_newline_stays_out_of_the_body():
    art = clean_article("Body one.\n\nWatch video\n\nBody two.", title="Head\nSub-head")
    assert art.title == "Head Sub-head"
    assert art.text == "Body one.\n\nBody two."
    assert [(r["rule"], r["line"]) for r in art.removed] == [("media_prompt", 3)]  # raw line numbers, no shift


def test_D10_one_line_article_is_body_text():
    art = clean_article("Putin met Macron for five hours. They agreed on nothing. Talks continue.")
    assert (art.title, art.title_from) == ("", "none")
    assert art.text == "Putin met Macron for five hours. They agreed on nothing. Talks continue."


def test_lead_paragraph_is_never_a_title():
    lead = "Russian President Vladimir Putin " + " ".join(["said"] * 40) + " on Friday."
    art = clean_article(f"{lead}\n\nSecond paragraph.")
    assert art.title == "" and art.text.startswith(lead)


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00ad", "\u200f"])
def test_C2_line_of_only_an_invisible_character_is_a_blank_line(invisible):
    art = clean_article(f"Talks end\n\nPutin met Macron.\n{invisible}\nThey agreed on nothing.")
    assert art.text == "Putin met Macron.\n\nThey agreed on nothing."


def test_W1_W9_nul_and_bidi_marks_become_spaces_and_glue_no_words_or_sentences():
    art = clean_article("Title\n\nPutin\u0000spoke. Troops left.\u200fThey returned.")
    assert art.text == "Putin spoke. Troops left. They returned."
    sentences = ct.sentences(pd.DataFrame({"article_id": ["a"], "text": [art.text]}))["sentence"].tolist()
    assert sentences == ["Putin spoke.", "Troops left.", "They returned."]


# --- found by a second reader after the review ------------------------------------------


def test_quotation_that_adds_a_clause_to_a_shorter_quote_stays():
    """Every word of the quotation occurs somewhere, but its wording does not: it stays."""
    quotation = '"We will not allow NATO to expand further east. Otherwise we will respond with force."'
    raw = (
        "Putin warns West over NATO\n\nRussian President Vladimir Putin said on Tuesday that Moscow would not wait forever.\n\n"
        f"{quotation}\n\n"
        'Putin repeated that "we will not allow NATO to expand further east", a line diplomats know. Kyiv said force '
        "was not an option; otherwise, it said, Russia would respond with talks, and we will see.\n\nThe talks lasted five hours."
    )
    art = clean_article(raw)
    assert quotation in art.text.split("\n")
    assert [(r["rule"], r["action"]) for r in art.kept] == [("pull_quote", "kept")]


def test_a_title_field_is_no_evidence_for_removing_body_lines():
    body = 'Putin said "we will not allow NATO to expand further east" on Tuesday.\n\n"We will not allow NATO to expand further east, or Russia will respond"\n\nThe talks lasted five hours.'
    for title in ("", "Russia will respond or act, Putin warns"):
        assert '"We will not allow NATO to expand further east, or Russia will respond"' in clean_article(body, title=title).text


@pytest.mark.parametrize(
    "raw, title, first_body",
    [
        ("The Kremlin said in a statement on Saturday:\n\n\"We will never accept it.\"\n\nIt gave no details.", "", "The Kremlin said"),
        ("MOSCOW (Reuters) - Russian President Vladimir Putin said on\nTuesday that talks failed.\n\nMore.", "", "MOSCOW (Reuters)"),
        ("Advertisement\n\nTalks fail\n\nBody.", "Talks fail", "Body."),
        ("By Jane Doe and John Roe\n\nTalks fail\n\nBody.", "Talks fail", "By Jane Doe"),
        ("January 29, 2022 - 18:47\n\nTalks fail\n\nBody.", "Talks fail", "Body."),
    ],
)
def test_title_is_never_a_lead_sentence_a_wrapped_line_or_navigation(raw, title, first_body):
    art = clean_article(raw)
    assert art.title == title
    assert art.text.startswith(first_body)


def test_several_date_lines_all_move_to_the_dateline_and_cleaning_is_idempotent():
    art = clean_article("Talks fail\n\nPublished 28.01.2022\n\nUpdated 29.01.2022 18:47\n\nBody.")
    assert (art.dateline, art.text) == ("Published 28.01.2022 | Updated 29.01.2022 18:47", "Body.")
    assert clean_article(art.text, title=art.title).text == art.text


@pytest.mark.parametrize("line", ["Copyright Law Reform Stalls In Kyiv", "Pictured: Destroyed Hospital, Mariupol"])
def test_capitalised_headline_after_a_credit_marker_is_not_a_credit(line):
    assert survives(line, f"Fighting in Donbas\n\nShelling continued.\n\n{line}\n\nThe army held.")


def test_normalise_is_idempotent_with_an_invisible_character_inside_a_combining_sequence():
    text = "Head\n\no\u200b\u0308 umlaut test\n\nMore."
    assert normalise(normalise(text)) == normalise(text) == "Head\n\n\u00f6 umlaut test\n\nMore."


def test_a_record_whose_text_is_its_title_keeps_its_only_line():
    assert clean_article("Putin warns West", title="Putin warns West").text == "Putin warns West"


def test_many_author_code_lines_and_long_runs_clean_in_linear_time_shape():
    """Not timed (tests never time): these inputs were quadratic; they must finish at once here."""
    art = clean_article("Head\n\n" + "ab\n" * 30_000 + "AFP")
    assert [r["rule"] for r in art.removed].count("agency_signoff") == 30_001
    assert clean_article("Putin" + " " * 40_000 + "spoke\n\nBody.").title == "Putin spoke"
