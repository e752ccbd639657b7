"""Cleaning drops scraper furniture, whole lines only, and never article text."""

import re

import pytest

from corpus_tools import clean
from corpus_tools.clean import Document, clean_article, drop_furniture, normalise


def removed_rules(text):
    """(rule, line) of every line cleaning took out of the body (furniture, not title/dateline)."""
    return [(r["rule"], r["text"]) for r in clean_article(text).removed if r["action"] == "removed"]


def kept_rules(text):
    """(rule, line) of every line flagged as suspect furniture but kept in the text."""
    return [(r["rule"], r["text"]) for r in clean_article(text).removed if r["action"] == "kept"]


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Leave a Comment", "comment_prompt"),
        ("Leave a reply", "comment_prompt"),
        ("12 Comments", "comment_prompt"),
        ("7 + 6 =", "captcha"),
        ("3 x 4 = ?", "captcha"),
        ("source site-42", "source_marker"),
        ("source site-3", "source_marker"),
        ("Watch video", "media_prompt"),
        ("Exit mobile version", "media_prompt"),
        ("Skip to main content", "media_prompt"),
        ("Full coverage: Russia-Ukraine", "link_line"),
        ("Read more: Putin's call with Macron", "link_line"),
        ("\u00a9 Youri Kochetkow / AFP", "photo_credit"),
        ("Photo: Reuters", "photo_credit"),
    ],
)
def test_furniture_line_is_removed_by_its_rule(line, rule):
    # the body mentions the names a link or credit line carries, as real articles do
    text = f"Headline\n\nPutin spoke on Tuesday about his call with Macron, Russia and Ukraine.\n\n{line}\n\nThe talks went on."
    assert removed_rules(text) == [(rule, line)]
    assert kept_rules(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "The Kremlin rejected the demands, Putin said.",
        "Stoltenberg: Russia is continuing to deploy troops",  # crosshead, no quotation repeated
        "Fear dominates",  # crosshead
        "\u201cThe bet of strength\u201d",  # quoted crosshead, repeats no body quotation
        "Leave a comment below, the editors asked readers on Tuesday.",
        "Russia says 7 + 6 = 13 is not the issue.",
        "Watch the video of the meeting that the Kremlin released.",
        "source of the leak was a site in Moscow.",
        "AP reported that the talks had failed.",
        "Ban",  # a capitalised short word is not an author code
        "Full coverage of the summit was promised by state television.",
        "\u201cWe don\u2019t want war,\u201d Lavrov said.",
        "Related talks in Geneva ended without a breakthrough",  # no separator after the marker
        "See also the OSCE meeting on Thursday, which Lavrov skipped",
        "Copyright law was not discussed",  # a sentence, not a list of names
        "Credit: Russia wants a line of credit from China",
        "Read more than 100 pages of the draft treaty and you see the problem",
        "etc.",
    ],
)
def test_article_line_is_kept(line):
    text = f"Headline\n\nPutin spoke on Tuesday.\n\n{line}\n\nThe talks went on."
    assert removed_rules(text) == []
    assert normalise(line) in clean_article(text).text


def test_signoff_only_at_the_tail():
    text = "Headline\n\nAFP\n\nThe talks went on.\n\nkng\nAFP\n\nsource site-3"
    assert removed_rules(text) == [("agency_signoff", "kng"), ("agency_signoff", "AFP"), ("source_marker", "source site-3")]


def test_author_initials_alone_at_the_end_are_text():
    """'kng' is a sign-off only next to an agency credit; alone it could be a word."""
    assert removed_rules("Headline\n\nThe talks went on.\n\nkng") == []
    assert removed_rules("Headline\n\nThe talks went on.\n\nkng/AFP") == [("agency_signoff", "kng/AFP")]


def test_kicker_repeating_the_headline_label_is_removed():
    text = "Ukraine conflict: Putin accuses US\n\nUkraine conflict\nPutin accuses the US of ignoring Russia\n\nBody text."
    assert removed_rules(text) == [("kicker", "Ukraine conflict")]


def test_pull_quote_repeating_a_body_quotation_is_removed_and_the_body_kept():
    body = "\u201cOur aim is to support Ukraine as we work to defuse the tensions\u201d which she attributes to Russia, she said."
    text = f"Headline\n\n{body}\n\nOur aim is to support Ukraine as we work to defuse tensions\n\nNext paragraph."
    art = clean_article(text)
    assert [(r["rule"], r["action"]) for r in art.removed] == [("title", "moved"), ("pull_quote", "removed")]
    assert normalise(body) in art.text


def test_pull_quote_with_words_found_nowhere_else_is_kept_and_flagged():
    """A pull quote that adds words (a translation's rewording) is suspect, not removed."""
    body = "\u201cOur aim is to support Ukraine as we work to defuse the tensions\u201d, she said."
    line = "Our aim is to support Ukraine as we work hard to defuse tensions today"
    art = clean_article(f"Headline\n\n{body}\n\n{line}\n\nNext paragraph.")
    assert line in art.text
    assert [(r["rule"], r["action"], r["note"]) for r in art.kept] == [("pull_quote", "kept", "words found nowhere else: hard, today")]


def test_teaser_after_a_wide_gap_is_flagged_never_removed():
    """Layout alone cannot tell a teaser box from a crosshead: the line stays, the audit flags it."""
    rare = "Headline\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\n\nstern expert classifies potential invasion\n\nFive.\n\nSix."
    assert removed_rules(rare) == []
    assert kept_rules(rare) == [("teaser", "stern expert classifies potential invasion")]
    assert "stern expert classifies potential invasion" in clean_article(rare).text
    everywhere = "Headline\n\n\nOne.\n\n\nCrosshead here\n\n\nTwo."
    assert kept_rules(everywhere) == []


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\u201cNo,\u201d he said.", '"No," he said.'),
        ("Russia\u2019s \u2018red line\u2019", "Russia's 'red line'"),
        ("\u201eJa\u201c und \u00abnon\u00bb", '"Ja" und "non"'),
        ("West \u2013 President \u2014 Putin", "West - President - Putin"),
        ("a\u00a0b\u2009c", "a b c"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("Putin\x00spoke.\u2028He left.", "Putin spoke. He left."),
        ("Troops left.\u200fThey returned.", "Troops left. They returned."),
        ("One\x0bTwo.\u2029Three\u0085four", "One Two. Three four"),
        ("  trailing  \n\n\n\nnext  ", "trailing\n\nnext"),
        ("Niinisto\u0308", "Niinist\u00f6"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("As of: 01/28/2022 6:00 p.m", True),
        ("January 29, 2022 - 18:47", True),
        ("Updated: 2022-01-28 18:00", True),
        ("28 January 2022", True),
        ("January 29, 2022, Putin said the talks failed.", False),
        ("Russia says security demands not addressed", False),
    ],
)
def test_is_dateline(line, expected):
    assert clean.is_dateline(line) is expected


def test_line_numbers_in_the_audit_point_at_the_raw_file():
    raw = "Title\n\nJanuary 29, 2022 - 18:47\n\nBody sentence.\n\nLeave a Comment\n"
    lines = raw.split("\n")
    for record in clean_article(raw).removed:
        assert lines[record["line"] - 1] == record["text"]


def test_title_from_a_column_keeps_the_first_line_as_body():
    art = clean_article("First body line.\n\nSecond.", title="Given title")
    assert (art.title, art.title_from) == ("Given title", "column")
    assert art.text == "First body line.\n\nSecond."
    assert art.removed == []


def test_title_from_a_column_is_one_line_and_removes_only_an_exact_repeat():
    art = clean_article("Talks  end\n\nBody one.\n\nBody two.", title="Talks end")
    assert art.text == "Body one.\n\nBody two."
    assert [(r["rule"], r["action"], r["line"]) for r in art.removed] == [("title", "removed", 1)]
    near = clean_article("Talks ended\n\nBody one.", title="Talks end")
    assert near.text == "Talks ended\n\nBody one." and near.removed == []
    assert clean_article("Body.", title="Head\nSub-head").title == "Head Sub-head"


def test_an_empty_title_field_means_no_title_and_every_line_is_body():
    lead = " ".join(["word"] * 59) + " end"
    art = clean_article(f"{lead}\n\nSecond paragraph.", title="")
    assert (art.title, art.title_from) == ("", "column")
    assert art.text.startswith(lead)


@pytest.mark.parametrize(
    "text, title, title_from",
    [
        ("Putin met Macron for five hours. They agreed on nothing.", "", "none"),  # one line: body
        ("Putin met Macron for five hours.\n\nThey agreed on nothing.", "", "none"),  # opens with a sentence
        ("Talks fail\n\nThey agreed on nothing.", "Talks fail", "first_line"),
        ("Skip to main content\n\nTalks fail\n\nThey agreed.", "Talks fail", "first_line"),
        ("Video\n\nThey agreed on nothing.", "Video", "first_line"),  # title first, furniture after
        ("Is war coming?\n\nThey agreed on nothing.", "Is war coming?", "first_line"),
        ("Russia says talks with the U.S.\n\nThey agreed.", "Russia says talks with the U.S.", "first_line"),
    ],
)
def test_title_from_the_first_line(text, title, title_from):
    art = clean_article(text)
    assert (art.title, art.title_from) == (title, title_from)
    for line in text.split("\n\n"):
        if line not in (title, "Skip to main content"):
            assert line in art.text


def test_document_blank_lines():
    doc = Document.from_text("a\n\n\nb\nc")
    assert doc.blank_before(3) == 2 and doc.is_standalone(0) and not doc.is_standalone(3)


# --- the seeds: furniture gone, article text whole ------------------------------------

FURNITURE_LINES = [
    "Leave a Comment",
    "7 + 6 =",
    "source site-42",
    "source site-3",
    "Watch video",
    "Exit mobile version",
    "Full coverage: Russia-Ukraine",
    "\u00a9 Youri Kochetkow / AFP",
    "kng",
    "AFP",
    "Ukraine conflict",
    "Our aim is to support Ukraine as we work to defuse tensions",
]

#: Seed furniture that cleaning cannot prove redundant: kept in the text, flagged in the audit.
SUSPECT_LINES = {
    # a promo box for another story: only layout (a wide gap) says so
    "stern expert classifies potential invasion of Putin in Ukraine": ("teaser", "flagged only"),
    # a pull quote whose bracketed French words occur nowhere else in the translation
    "[Les autorit\u00e9s ukrainiennes] clearly bet on strength, using heavy weapons and attack drones in the Donbass": (
        "pull_quote",
        "words found nowhere else: autorit\u00e9s, les, ukrainiennes",
    ),
}


@pytest.mark.parametrize("line", sorted(SUSPECT_LINES))
def test_seed_suspect_furniture_is_kept_and_flagged(seed_articles, line):
    from corpus_tools import cleaning_audit

    audit = cleaning_audit(seed_articles)
    row = audit[audit["text"].eq(line)]
    rule, note = SUSPECT_LINES[line]
    assert row[["rule", "action"]].values.tolist() == [[rule, "kept"]]
    assert row["note"].item().startswith(note)
    assert any(line in text.split("\n") for text in seed_articles["text"])


@pytest.mark.parametrize("marker", FURNITURE_LINES)
def test_no_furniture_line_left_in_the_seeds(seed_articles, marker):
    for text in seed_articles["text"]:
        assert normalise(marker) not in [line.strip() for line in text.split("\n")]
    assert not any("source site" in t or "Leave a Comment" in t or "mobile version" in t for t in seed_articles["text"])


def test_every_seed_line_not_audited_survives_cleaning(seed_articles):
    """Each raw line that the audit does not list is in the cleaned text, word for word."""
    from corpus_tools import cleaning_audit

    audit = cleaning_audit(seed_articles)
    for aid, raw, text in zip(seed_articles["article_id"], seed_articles["raw_text"], seed_articles["text"]):
        gone = set(audit.loc[audit["article_id"].eq(aid), "line"])
        kept_lines = set(text.split("\n"))
        for n, line in enumerate(raw.split("\n"), 1):
            if line.strip() and n not in gone:
                assert normalise(line) in kept_lines, (aid, n, line)


def test_every_seed_quotation_survives_cleaning(seed_articles):
    """Every quotation in the raw seeds is in the cleaned text."""
    quotes = re.compile(r"\u201c([^\u201c\u201d]+)\u201d")
    n = 0
    for raw, text in zip(seed_articles["raw_text"], seed_articles["text"]):
        for q in quotes.findall(raw):
            assert normalise(q) in text, q
            n += 1
    assert n > 60  # the seeds quote a lot; a regex that found nothing would pass vacuously


@pytest.mark.parametrize(
    "article, sentence",
    [
        ("000", "\u201cSo the upgrade continues.\u201d"),
        ("000", "Putin has also stressed that he does not want to escalate the situation."),
        ("001", "Russia is also seeking guarantees that Ukraine, which sits on Russia\u2019s border, will be permanently banned from joining NATO."),
        ("002", "According to him, the Ukrainian authorities \u201care clearly betting on force, using heavy weapons and attack drones in the Donbass\u201d."),
        ("002", "\u201cOur aim is to support Ukraine as we work to defuse the tensions\u201d which she attributes to the troops massed by Russia"),
        ("003", "He said, \u201cSome leaders have gone insane. They think they can win this war.\u201d"),
        ("003", "According to a French official, the conversation between Putin, Macron was serious and respectful."),
        ("004", "In Russia, Vladimir Putin meets with Hungarian Prime Minister Victor Orban."),
        ("004", "The Kremlin denies any plans to attack Ukraine, but at the same time argues that it feels threatened by NATO."),
        ("004", "Putin accuses the US of ignoring Russian security interests"),
    ],
)
def test_hand_picked_seed_sentences_survive(seed_articles, article, sentence):
    text = seed_articles.loc[seed_articles["article_id"].str.startswith(article), "text"].item()
    assert normalise(sentence) in text


def test_removing_a_line_does_not_turn_the_next_crosshead_into_a_teaser():
    """A photo credit between blank lines leaves one gap, not two, so 'Fear dominates' stays."""
    body = "\n\n".join(f"Sentence number {i} is here." for i in range(8))
    text = f"Headline\n\n{body}\n\n\u00a9 Jane Doe / AFP\n\nFear dominates\n\nMore text follows here."
    assert removed_rules(text) == [("photo_credit", "\u00a9 Jane Doe / AFP")]
