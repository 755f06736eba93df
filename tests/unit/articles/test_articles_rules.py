"""The exclusion and segmentation rules on small articles: each rule fires on its pattern and nowhere else."""

from __future__ import annotations

import pytest

from app.articles.decode import ArticleInputError
from app.articles.ingest import ingest

BODY = (
    "Acme Corp. agreed to buy a 30% stake in Beta Ltd for US$534 million, said chief executive Jane Doe.\n"
    "The deal values Beta at HK$55.29 per share and closes in 2026.\n"
)


def reasons_by_text(text: str, fmt: str = "txt") -> dict[str, str | None]:
    return {s.text: s.reason for s in ingest(text, fmt).segments}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("We use cookies to improve your experience. Accept all", "cookie-banner"),
        ("Home | News | Markets | About", "navigation"),
        ("Skip to content", "navigation"),
        ("© 2025 Example Media Ltd. All rights reserved.", "navigation"),
        ("By Jane Doe | March 3, 2025", "byline"),
        ("Published March 3, 2025", "byline"),
        ("Share on Twitter", "byline"),
        ("Subscribe to our newsletter for weekly analysis.", "advertisement"),
        ("Try Acme Cloud free for 30 days.", "advertisement"),
        ("Sponsored content", "affiliate-notice"),
        ("Some links in this article are affiliate links, and we may earn a commission.", "affiliate-notice"),
        ("Read more: How Gamma Won Brazil", "unrelated-link"),
        ("Also read: Why Delta lost its lead", "unrelated-link"),
    ],
)
def test_residue_line_is_excluded(line, reason):
    found = reasons_by_text(BODY + line + "\n" + BODY)
    flagged = {text: why for text, why in found.items() if why}
    assert " ".join(flagged) == line
    assert set(flagged.values()) == {reason}


@pytest.mark.parametrize(
    "sentence",
    [
        "Google delayed the phase-out of third-party cookies in Chrome.",
        "By 2030, sales will double to US$1.2 billion.",
        "By Contrast, Beta grew 12% after its LinkedIn and HubSpot campaigns.",
        "OpenAI, iPhone maker Apple and McDonald's are all customers.",
        "Investors can learn more about the deal in the filing.",
        "See how the margins compare in the table below.",
        "The affiliate of Tencent did not comment.",
        "Share buybacks totalled US$2 billion.",
    ],
)
def test_ordinary_sentences_are_kept(sentence):
    assert reasons_by_text(BODY + sentence + "\n")[sentence] is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Unlike its rivals, Acme’sBeta’s safety analysis.",
        "The CEO praised Acme's“Bold” plan for the region.",
        "Margins widened on higher growth.The company raised guidance.",
        "Acme used its leverageThe deal was approved quickly.",
    ],
)
def test_glued_sentences_are_excluded(sentence):
    found = reasons_by_text(BODY + sentence + "\n")
    assert "glued" in found.values()
    assert set(found.values()) <= {None, "glued"}


def test_truncated_fragments_are_excluded():
    text = BODY + "Beta has grown, helped most of all by Acme’s\nSales rose 4%. Beta’s\n" + BODY
    found = reasons_by_text(text)
    assert found["Beta has grown, helped most of all by Acme’s"] == "truncated"
    assert found["Beta’s"] == "truncated"
    assert found["Sales rose 4%."] is None


def test_teaser_about_a_story_with_an_unknown_name_is_a_link():
    found = reasons_by_text(BODY + "See how Zeta leveraged partner ecosystems for scale.\n")
    assert found["See how Zeta leveraged partner ecosystems for scale."] == "unrelated-link"
    found = reasons_by_text(BODY + "See how Acme leveraged partner ecosystems for scale.\n")
    assert found["See how Acme leveraged partner ecosystems for scale."] is None


def test_related_block_runs_to_the_next_heading():
    text = (
        "Acme Buys Beta\n" + BODY + "You May Also Like\nHow Gamma Won Brazil\nWhy Delta Lost Its Lead\n"
        "What Comes Next\n" + BODY
    )
    art = ingest(text)
    found = {s.text: (s.kind, s.reason) for s in art.segments}
    assert found["You May Also Like"] == ("heading", "related-tools")
    assert found["How Gamma Won Brazil"][1] == found["Why Delta Lost Its Lead"][1] == "related-tools"
    assert found["What Comes Next"] == ("heading", None)
    assert art.title == "Acme Buys Beta"
    assert len(art.sentences) == 4


def test_faq_keeps_only_answers_that_add_facts():
    text = (
        BODY
        + "FAQ\nQ: What did Acme buy?\nA: Acme agreed to buy a stake in Beta, said chief executive Jane Doe.\n"
        "How is the deal financed?\nAcme pays cash from its US$900 million credit line.\n"
    )
    found = reasons_by_text(text)
    assert found["FAQ"] == "faq-restates"
    assert found["Q: What did Acme buy?"] == "faq-restates"
    assert found["How is the deal financed?"] == "faq-restates"
    assert found["A: Acme agreed to buy a stake in Beta, said chief executive Jane Doe."] == "faq-restates"
    assert found["Acme pays cash from its US$900 million credit line."] is None


def test_about_boilerplate_needs_the_company_name_to_follow():
    about = "About Acme\nAcme Corp. makes industrial robots and employs 4,000 people.\n"
    assert set(reasons_by_text(BODY + about).values()) == {None, "advertisement"}
    section = "About the Deal\nThe agreement was signed in Geneva after six months of talks.\n"
    assert set(reasons_by_text(BODY + section).values()) == {None}


def test_markdown_lists_without_full_stops_are_kept_unless_dangling():
    text = (
        "# Deal Terms\n\nThe deal has three parts.\n\n"
        "- A 30% stake for US$534 million\n- A seat on the board of the\n"
    )
    found = reasons_by_text(text, "md")
    assert found["A 30% stake for US$534 million"] is None
    assert found["A seat on the board of the"] == "truncated"


def test_hard_wrapped_text_joins_lines_into_paragraphs():
    text = (
        "Acme Corp. agreed to buy a 30% stake in Beta Ltd for\nUS$534 million, said chief executive\n"
        "Jane Doe on Monday. The deal closes in\n2026.\n\nBeta's shares rose 4% on the news\n"
        "in Hong Kong trading.\n"
    )
    art = ingest(text)
    assert [s.sid for s in art.segments] == ["p1s1", "p1s2", "p2s1"]
    assert art.segments[0].text == (
        "Acme Corp. agreed to buy a 30% stake in Beta Ltd for US$534 million, said chief executive Jane Doe on Monday."
    )
    assert art.excluded == []


def test_crlf_line_endings_keep_offsets_exact(check_structure):
    art = ingest(BODY.replace("\n", "\r\n") + "Read more: Other story\r\n")
    check_structure(art, exact_text=True)
    assert [s.reason for s in art.segments] == [None, None, "unrelated-link"]


def test_enormous_single_paragraph_is_split(check_structure):
    sentence = "Revenue rose 10.6% to US$534 million at HK$55.29 a share, said Mr. J. R. Smith of Acme Inc. "
    text = sentence * (300_000 // len(sentence))
    art = ingest(text)
    check_structure(art, exact_text=True)
    assert len(art.segments) == 300_000 // len(sentence)
    assert {s.paragraph for s in art.segments} == {1}
    assert art.excluded == []


def test_enormous_paragraph_without_punctuation_does_not_crash(check_structure):
    art = ingest("word " * 60_000)
    check_structure(art, exact_text=True)
    assert art.segments[-1].reason == "truncated"


def test_unknown_format_and_blank_text_are_refused():
    with pytest.raises(ArticleInputError, match="Unknown article format"):
        ingest(BODY, "pdf")
    with pytest.raises(ArticleInputError, match="No article text"):
        ingest(" \n \n")


def test_title_case_heading_ending_on_a_month_is_a_heading():
    art = ingest("Sales Jump in May\n" + BODY)
    assert (art.segments[0].kind, art.segments[0].reason) == ("heading", None)
    assert art.title == "Sales Jump in May"


def test_about_the_author_is_a_byline_block():
    found = reasons_by_text(BODY + "About the Author\nJane Doe covers Asian carmakers from Hong Kong.\n")
    assert found["About the Author"] == found["Jane Doe covers Asian carmakers from Hong Kong."] == "byline"


def test_scripts_in_markdown_never_reach_segment_text():
    text = (
        "# Deal\n\n<script>alert(1)</script>\n\n<script>\nsteal();\n</script>\n\nSee <script>x()</script>it.\n"
        + BODY
    )
    art = ingest(text, "md")
    assert all("alert" not in s.text and "steal" not in s.text and "x()" not in s.text for s in art.segments)
    assert art.sentences[0].text == "See it."
    assert art.sentences[1].text.startswith("Acme Corp. agreed")


def test_markdown_blocks_setext_quotes_and_reference_links():
    text = (
        "Big Title\n=========\n\n> Acme said the deal\n> closes in 2026. Beta agreed.\n\n"
        "1. Buy a [stake][ref] for cash\n\n[ref]: https://example.com\n\nShares rose 4%.\n---\nSub Head\n---\n"
        + BODY
    )
    art = ingest(text, "md")
    assert art.title == "Big Title"
    assert [(s.kind, s.text) for s in art.segments[:6]] == [
        ("heading", "Big Title"),
        ("sentence", "Acme said the deal closes in 2026."),
        ("sentence", "Beta agreed."),
        ("sentence", "Buy a stake for cash"),
        ("sentence", "Shares rose 4%."),
        ("heading", "Sub Head"),
    ]
    assert "https://example.com" not in " ".join(s.text for s in art.segments)
