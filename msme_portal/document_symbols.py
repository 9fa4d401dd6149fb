"""WTO document symbols ("INF/MSME/4/Rev.2", "WT/MIN(17)/58") and their
pages on Documents Online, the WTO's document database."""

from urllib.parse import quote

# Documents Online's search for one symbol, in the language of the page that
# links to it. The interface takes the language as a word.
SEARCH_URL = (
    "https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx"
    "?Query=(@Symbol=%20{symbol})&Language={language}"
    "&Context=FomerScriptedSearch&languageUIChanged=true#"
)
LANGUAGES = {"en": "ENGLISH", "fr": "FRENCH", "es": "SPANISH"}


def document_url(symbol, language="en"):
    """The Documents Online page for `symbol`, in `language` ("en", "fr",
    "es"; any other reads as English)."""
    return SEARCH_URL.format(
        symbol=quote(symbol, safe="/()."),
        language=LANGUAGES.get((language or "en")[:2], LANGUAGES["en"]),
    )
