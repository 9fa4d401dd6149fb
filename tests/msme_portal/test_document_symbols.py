"""WTO document symbols in rich text, linked to their Documents Online pages."""

import pytest
from django.template import engines
from django.utils import translation

from msme_portal.document_symbols import link_document_symbols


def link(symbol, language="ENGLISH"):
    """The link expected around `symbol`, written out in full."""
    return (
        '<a class="document-symbol" href="https://docs.wto.org/dol2fe/Pages/FE_Search/'
        f"FE_S_S006.aspx?Query=(@Symbol=%20{symbol})&amp;Language={language}"
        f'&amp;Context=FomerScriptedSearch&amp;languageUIChanged=true#">{symbol}</a>'
    )


# (rich text, language, the same text with its symbols linked)
CASES = {
    "inside text": (
        "<p>The package INF/MSME/4/Rev.2 was adopted.</p>",
        "en",
        f"<p>The package {link('INF/MSME/4/Rev.2')} was adopted.</p>",
    ),
    "alone, outside any element": ("WT/L/1130", "en", link("WT/L/1130")),
    "at a sentence's end, its Rev.2 kept": (
        "<p>See INF/MSME/4/Rev.2.</p>",
        "en",
        f"<p>See {link('INF/MSME/4/Rev.2')}.</p>",
    ),
    "at a sentence's end, a number": (
        "<p>It is WT/L/1130.</p>",
        "en",
        f"<p>It is {link('WT/L/1130')}.</p>",
    ),
    "in parentheses": (
        "<p>The Package (INF/MSME/4/Rev.2), two databases</p>",
        "en",
        f"<p>The Package ({link('INF/MSME/4/Rev.2')}), two databases</p>",
    ),
    "before a comma, a semicolon and a colon": (
        "<p>INF/MSME/W/30, INF/MSME/W/31; INF/MSME/W/32: drafts</p>",
        "en",
        f"<p>{link('INF/MSME/W/30')}, {link('INF/MSME/W/31')}; {link('INF/MSME/W/32')}: drafts</p>",
    ),
    "a conference's number in parentheses": (
        "<p>The draft WT/MIN(17)/58 was circulated.</p>",
        "en",
        f"<p>The draft {link('WT/MIN(17)/58')} was circulated.</p>",
    ),
    "a private sector paper": (
        "<p>available as INF/MSME/P/1 in the system</p>",
        "en",
        f"<p>available as {link('INF/MSME/P/1')} in the system</p>",
    ),
    "a dispute's report": ("<p>WT/DS123/R</p>", "en", f"<p>{link('WT/DS123/R')}</p>"),
    "an appeal's report": ("<p>WT/DS123/AB/R</p>", "en", f"<p>{link('WT/DS123/AB/R')}</p>"),
    "a job document": ("<p>JOB/GC/200</p>", "en", f"<p>{link('JOB/GC/200')}</p>"),
    "a one-letter series": (
        "<p>S/L/92 and G/L/1</p>",
        "en",
        f"<p>{link('S/L/92')} and {link('G/L/1')}</p>",
    ),
    "a revision": ("<p>TN/TF/W/165/Rev.8</p>", "en", f"<p>{link('TN/TF/W/165/Rev.8')}</p>"),
    "an addendum": (
        "<p>G/TBT/N/USA/1234/Add.1</p>",
        "en",
        f"<p>{link('G/TBT/N/USA/1234/Add.1')}</p>",
    ),
    "a corrigendum": ("<p>WT/L/1130/Corr.2</p>", "en", f"<p>{link('WT/L/1130/Corr.2')}</p>"),
    "a supplement": ("<p>IP/C/W/349/Suppl.1</p>", "en", f"<p>{link('IP/C/W/349/Suppl.1')}</p>"),
    "chained suffixes": (
        "<p>WT/MIN(22)/W/5/Rev.1/Corr.1</p>",
        "en",
        f"<p>{link('WT/MIN(22)/W/5/Rev.1/Corr.1')}</p>",
    ),
    "several in one paragraph": (
        "<p>INF/MSME/W/30 replaced INF/MSME/W/29/Rev.1 and WT/L/1130 and more.</p>",
        "en",
        f"<p>{link('INF/MSME/W/30')} replaced {link('INF/MSME/W/29/Rev.1')} and "
        f"{link('WT/L/1130')} and more.</p>",
    ),
    "beside no-break spaces": (
        "<p>Symbol&nbsp;WT/L/1130&nbsp;(English)</p>",
        "en",
        f"<p>Symbol&nbsp;{link('WT/L/1130')}&nbsp;(English)</p>",
    ),
    "beside ampersands and other entities": (
        "<p>R&amp;D: WT/L/1130&amp;WT/L/1131 &#8212; &lt;WT/L/1132&gt; it&#8217;s</p>",
        "en",
        f"<p>R&amp;D: {link('WT/L/1130')}&amp;{link('WT/L/1131')} &#8212; "
        f"&lt;{link('WT/L/1132')}&gt; it&#8217;s</p>",
    ),
    "inside an inline element": (
        "<p><strong>INF/MSME/4</strong> and <em>WT/L/1130</em></p>",
        "en",
        f"<p><strong>{link('INF/MSME/4')}</strong> and <em>{link('WT/L/1130')}</em></p>",
    ),
    "on lines after the first": (
        '<p>One\n<a href="https://example.org/">two</a>\nWT/L/1130\n</p>\n<p>G/L/1</p>',
        "en",
        f'<p>One\n<a href="https://example.org/">two</a>\n{link("WT/L/1130")}\n</p>\n'
        f"<p>{link('G/L/1')}</p>",
    ),
    "in a French page": (
        "<p>Le document INF/MSME/4/Rev.2.</p>",
        "fr",
        f"<p>Le document {link('INF/MSME/4/Rev.2', 'FRENCH')}.</p>",
    ),
    "in a Spanish page": (
        "<p>El documento WT/MIN(17)/58.</p>",
        "es",
        f"<p>El documento {link('WT/MIN(17)/58', 'SPANISH')}.</p>",
    ),
    "in a page of a regional French": (
        "<p>WT/L/1130</p>",
        "fr-ca",
        f"<p>{link('WT/L/1130', 'FRENCH')}</p>",
    ),
    "in another language, English": ("<p>WT/L/1130</p>", "de", f"<p>{link('WT/L/1130')}</p>"),
}

UNCHANGED = {
    "already linked": '<p><a href="https://docs.wto.org/x" rel="noopener">INF/MSME/4/Rev.2</a></p>',
    "already linked, inside an inline element": (
        '<p><a href="https://example.org/"><strong>WT/L/1130</strong></a></p>'
    ),
    "in an address written as text": "<p>https://docs.wto.org/INF/MSME/4 and more</p>",
    "in an address without a scheme": "<p>www.example.org/WT/L/1 and more</p>",
    "in an address beside an ampersand": "<p>https://example.org/?a=1&amp;WT/L/1 etc</p>",
    "in a domain's path": "<p>docs.wto.org/WT/L/1 and more</p>",
    "in a file's name": "<p>q:/WT/MIN17/58R1.pdf and WT/MIN17/58R1.pdf</p>",
    "in code": "<p>Type <code>WT/L/1130</code> there.</p>",
    "in code, after a stray end of link": "<p><code>x</a> WT/L/1130</code></p>",
    "in preformatted text": "<pre>WT/L/1130\nG/L/1</pre>",
    "split by inline elements": "<p><strong>INF/MSME</strong>/4</p>",
    "in attributes only": (
        '<p><img src="/media/x.png" alt="WT/L/1130"><a title="G/L/1" href="/">x</a></p>'
    ),
    "in a comment": "<p>x</p><!-- WT/L/1130 -->",
    "a word with a slash": "<p>Firms and/or governments, either/or.</p>",
    "a date": "<p>On 1/7/2022 and 30/06/2022.</p>",
    "a fraction": "<p>3/4 of firms, 24/7</p>",
    "lowercase": "<p>inf/msme/4/rev.2 and Inf/Msme/4</p>",
    "capitals without a number": "<p>N/A, TCP/IP, EU/UK, AC/DC</p>",
    "a word with digits before the slash": "<p>MC12/MC13 and B2B/B2C and G20/1</p>",
    "the end of a word": "<p>abcWT/L/1130</p>",
    "nothing": "",
}


@pytest.mark.parametrize(
    ("rich_text", "language", "linked"), CASES.values(), ids=list(CASES.keys())
)
def test_symbols_are_linked_to_their_page_in_the_pages_language(rich_text, language, linked):
    assert link_document_symbols(rich_text, language) == linked


@pytest.mark.parametrize("rich_text", UNCHANGED.values(), ids=list(UNCHANGED.keys()))
def test_text_that_is_no_symbol_or_cannot_take_a_link_is_kept_byte_for_byte(rich_text):
    assert link_document_symbols(rich_text, "en") == rich_text


def test_the_jinja2_filter_links_in_the_active_language():
    template = engines["jinja2"].from_string("{{ body|safe|document_links }}")
    with translation.override("es"):
        rendered = template.render({"body": "<p>See <em>WT/L/1130</em>.</p>"})
    assert rendered == f"<p>See <em>{link('WT/L/1130', 'SPANISH')}</em>.</p>"


def test_the_jinja2_filter_escapes_what_is_not_marked_safe():
    template = engines["jinja2"].from_string("{{ title|document_links }}")
    rendered = template.render({"title": "<b>WT/L/1130</b>"})
    assert rendered == f"&lt;b&gt;{link('WT/L/1130')}&lt;/b&gt;"


def test_the_jinja2_filter_prints_nothing_for_empty_text():
    template = engines["jinja2"].from_string("[{{ body|safe|document_links }}]")
    assert template.render({"body": ""}) == "[]"
