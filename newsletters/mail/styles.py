"""The inline styles of the emails, in one place.

Mail clients ignore style sheets, so every element of an email carries its
style in a `style` attribute. The templates in
newsletters/jinja2/newsletters/email/ get this module as `styles`; the rich
text of sections is restyled with RICH_TEXT_STYLES (newsletters/mail/rich_text.py).
"""

FONT_STACK = "Arial, Helvetica, sans-serif"

TEXT_COLOR = "#1f2933"
MUTED_COLOR = "#52606d"
LINK_COLOR = "#00558c"
RULE_COLOR = "#c5ced6"
PAGE_BACKGROUND = "#eef1f4"
PANEL_BACKGROUND = "#f5f7fa"

_FONT = f"font-family:{FONT_STACK};"
_BOLD_TEXT = f"font-weight:bold;color:{TEXT_COLOR};"
_IMAGE = "display:block;width:100%;max-width:552px;height:auto;border:0;"

# The page: a grey background, a white column of 600 pixels.
BODY = f"margin:0;padding:0;background-color:{PAGE_BACKGROUND};"
PREHEADER = "display:none;max-height:0;overflow:hidden;"
PAGE = f"background-color:{PAGE_BACKGROUND};"
PAGE_CELL = "padding:16px 8px;"
COLUMN = "width:100%;max-width:600px;background-color:#ffffff;"
WEB_VERSION_CELL = (
    f"padding:12px 24px;{_FONT}font-size:13px;line-height:18px;"
    f"color:{MUTED_COLOR};text-align:right;"
)
LINK = f"color:{LINK_COLOR};text-decoration:underline;"

# The masthead and the introduction.
MASTHEAD_CELL = f"padding:8px 24px 16px;border-bottom:4px solid {LINK_COLOR};"
KICKER = (
    f"margin:0 0 4px;{_FONT}font-size:13px;line-height:18px;letter-spacing:1px;"
    f"text-transform:uppercase;color:{MUTED_COLOR};"
)
TITLE = f"margin:0 0 8px;{_FONT}font-size:28px;line-height:34px;color:{TEXT_COLOR};"
ISSUE_DETAILS = f"margin:0;{_FONT}font-size:14px;line-height:20px;color:{MUTED_COLOR};"
BLOCK_CELL = "padding:16px 24px 0;"
COVER_IMAGE = _IMAGE
GREETING = f"margin:0 0 12px;{_FONT}font-size:16px;line-height:24px;color:{TEXT_COLOR};"
SUMMARY = f"margin:0 0 12px;{_FONT}font-size:18px;line-height:26px;color:{TEXT_COLOR};"

# The table of contents, the sections and their boxes.
CONTENTS_CELL = "padding:8px 24px 8px;"
PANEL = f"background-color:{PANEL_BACKGROUND};"
PANEL_CELL = "padding:12px 16px;"
CONTENTS_HEADING = f"margin:0 0 8px;{_FONT}font-size:16px;line-height:22px;color:{TEXT_COLOR};"
CONTENTS_ENTRY = f"margin:0 0 4px;{_FONT}font-size:15px;line-height:22px;"
SECTION_CELL = "padding:8px 24px;"
BOX = f"margin:0 0 16px;background-color:{PANEL_BACKGROUND};border-left:4px solid {RULE_COLOR};"
HIGHLIGHT_BOX = "margin:0 0 16px;background-color:#fff7e0;border-left:4px solid #d99a00;"

# The footer.
FOOTER_CELL = (
    f"padding:16px 24px 24px;border-top:1px solid {RULE_COLOR};"
    f"{_FONT}font-size:13px;line-height:20px;color:{MUTED_COLOR};"
)
FOOTER_PARAGRAPH = "margin:0 0 8px;"
LAST_FOOTER_PARAGRAPH = "margin:0;"

# Inside a section.
_SECTION_HEADING_SIZES = {
    2: "font-size:22px;line-height:28px",
    3: "font-size:18px;line-height:24px",
}
SECTION_IMAGE = f"{_IMAGE}margin:0 0 8px;"
IMAGE_CAPTION = f"margin:0 0 12px;{_FONT}font-size:13px;line-height:18px;color:{MUTED_COLOR};"
SPACED_TABLE = "margin:0 0 12px;"
PORTRAIT_CELL = "padding:0 12px 0 0;"
PORTRAIT = "display:block;width:96px;height:auto;border:0;"
INTERVIEWEE = f"margin:0 0 4px;{_FONT}font-size:16px;line-height:22px;{_BOLD_TEXT}"
QUESTION = f"margin:12px 0 4px;{_FONT}font-size:16px;line-height:24px;{_BOLD_TEXT}"
SIGNATURE = (
    f"margin:0 0 12px;{_FONT}font-size:16px;line-height:24px;font-style:italic;color:{TEXT_COLOR};"
)
SECTION_LINK = f"margin:0 0 6px;{_FONT}font-size:15px;line-height:22px;"

# The lists after a section's text (meetings, guides, network, members).
LIST_HEADING = f"margin:12px 0 8px;{_FONT}font-size:16px;line-height:22px;color:{TEXT_COLOR};"
DATE_CELL = f"padding:4px 8px 4px 0;{_FONT}font-size:14px;line-height:20px;{_BOLD_TEXT}"
EVENT_CELL = f"padding:4px 0;{_FONT}font-size:14px;line-height:20px;color:{TEXT_COLOR};"
EMPTY_LIST_CELL = f"{_FONT}font-size:14px;color:{MUTED_COLOR};"
MUTED = f"color:{MUTED_COLOR};"
GRID = "border-collapse:collapse;margin:0 0 12px;"
GRID_CAPTION = f"{_FONT}font-size:14px;font-weight:bold;text-align:left;padding:0 0 4px;"
GRID_HEADER = f"border:1px solid {RULE_COLOR};padding:6px;text-align:left;{_FONT}font-size:14px;"
GRID_CELL = f"border:1px solid {RULE_COLOR};padding:6px;{_FONT}font-size:14px;"
LIST_ENTRY = f"margin:0 0 4px;{_FONT}font-size:14px;line-height:20px;"
GROUP_SIZE = f"margin:0 0 8px;{_FONT}font-size:15px;line-height:22px;color:{TEXT_COLOR};"
OFFICER = f"margin:0 0 4px;{_FONT}font-size:14px;line-height:20px;color:{TEXT_COLOR};"
MEMBERS = f"margin:8px 0 12px;{_FONT}font-size:14px;line-height:20px;color:{TEXT_COLOR};"

# The tags the rich-text sanitizer lets through.
_RICH_TEXT = f"{_FONT}color:{TEXT_COLOR};"
_RICH_LIST = f"margin:0 0 12px;padding-left:24px;{_FONT}font-size:16px;line-height:24px;"
RICH_TEXT_STYLES = {
    "p": f"margin:0 0 12px;font-size:16px;line-height:24px;{_RICH_TEXT}",
    "h2": f"margin:20px 0 8px;font-size:20px;line-height:26px;{_RICH_TEXT}",
    "h3": f"margin:18px 0 8px;font-size:18px;line-height:24px;{_RICH_TEXT}",
    "h4": f"margin:16px 0 8px;font-size:16px;line-height:22px;{_RICH_TEXT}",
    "a": LINK,
    "img": "display:block;max-width:100%;height:auto;border:0;",
    "ul": _RICH_LIST,
    "ol": _RICH_LIST,
    "li": "margin:0 0 4px;",
    "blockquote": f"margin:12px 0;padding:0 0 0 12px;border-left:4px solid {RULE_COLOR};",
    "figure": "margin:0 0 12px;",
    "figcaption": f"{_FONT}font-size:14px;line-height:20px;color:{MUTED_COLOR};",
    "table": "border-collapse:collapse;width:100%;margin:0 0 12px;",
    "caption": f"{_FONT}font-size:14px;text-align:left;padding:0 0 4px;",
    "th": f"{GRID_CELL}text-align:left;",
    "td": GRID_CELL,
    "hr": f"border:0;border-top:1px solid {RULE_COLOR};margin:16px 0;",
}


def section_heading(level):
    """The heading of a section at `level` (2 for a section, 3 for a box or
    a sub-section, deeper below)."""
    size = _SECTION_HEADING_SIZES.get(level, "font-size:16px;line-height:22px")
    return f"margin:16px 0 8px;{_FONT}{size};color:{TEXT_COLOR};"


def box(section):
    """The frame of a box: highlighted or plain."""
    return HIGHLIGHT_BOX if section.box_style == "highlight" else BOX
