"""The issue's body as a StreamField: a StructBlock per section, as a Wagtail
site would model the portal's sections (newsletters/models/issues.py), each
block rendered by its own template."""

from wagtail import blocks

KINDS = [
    ("coordinator_message", "Coordinator's message"),
    ("article", "Article"),
    ("interview", "Interview"),
    ("box", "Box"),
]
BOX_STYLES = [("plain", "Plain"), ("highlight", "Highlight"), ("quote", "Quote")]
# The registers a section can list after its text: loaded by the page's get_context().
LISTINGS = [
    ("upcoming_meetings", "Upcoming meetings"),
    ("past_events", "Past events"),
    ("new_guides", "New guides"),
    ("network", "Trade4MSMEs Network"),
    ("members", "Member economies"),
]


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock()
    url = blocks.URLBlock()


class QuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock()
    answer = blocks.RichTextBlock()

    class Meta:
        template = "newsletter/blocks/question.html"


class BoxBlock(blocks.StructBlock):
    """A side box, beside a section or closing the issue."""

    title = blocks.CharBlock()
    anchor = blocks.CharBlock()
    box_style = blocks.ChoiceBlock(choices=BOX_STYLES, default="plain")
    body = blocks.RichTextBlock(required=False)
    listing = blocks.ChoiceBlock(choices=LISTINGS, required=False)
    links = blocks.ListBlock(LinkBlock())

    class Meta:
        template = "newsletter/blocks/box.html"


class SubsectionBlock(blocks.StructBlock):
    """A section under a numbered one: an article or an interview."""

    title = blocks.CharBlock()
    anchor = blocks.CharBlock()
    kind = blocks.ChoiceBlock(choices=KINDS, default="article")
    body = blocks.RichTextBlock(required=False)
    interviewee_name = blocks.CharBlock(required=False)
    interviewee_organization = blocks.CharBlock(required=False)
    interviewee_bio = blocks.RichTextBlock(required=False)
    questions = blocks.ListBlock(QuestionBlock())
    links = blocks.ListBlock(LinkBlock())

    class Meta:
        template = "newsletter/blocks/subsection.html"


class SectionBlock(SubsectionBlock):
    """A numbered section with its sub-sections and side boxes."""

    number = blocks.IntegerBlock(required=False)
    signatory_title = blocks.CharBlock(required=False)
    signatory_name = blocks.CharBlock(required=False)
    signatory_economy = blocks.CharBlock(required=False)
    listing = blocks.ChoiceBlock(choices=LISTINGS, required=False)
    subsections = blocks.ListBlock(SubsectionBlock())
    boxes = blocks.ListBlock(BoxBlock())

    class Meta:
        template = "newsletter/blocks/section.html"


class IssueBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    box = BoxBlock()
