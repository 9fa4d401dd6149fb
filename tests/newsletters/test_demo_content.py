"""The built-in Summer 2022 issue: loaded faithfully, cleanly and only once."""

import html
import re
from datetime import date
from email.utils import parseaddr
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command
from django.db.models.functions import Upper
from django.utils import translation

from guides.models import Guide, Topic
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters.editions import MISSING, UP_TO_DATE, editions, status
from newsletters.models import Issue, Meeting, Question, Section, SectionLink

pytestmark = pytest.mark.django_db

SLUG = "summer-2022"

NUMBERED_HEADINGS = [
    (1, "Message from the Coordinator"),
    (2, "Trade4MSMEs website updates"),
    (3, "MSME Day 2022"),
    (4, "Annual meeting between the MSME Group and the private sector"),
    (5, "New research note series on small business’ participation in international trade"),
    (6, "Presentations to the MSME Informal Working Group"),
    (
        7,
        "Good regulatory practices report from the Standards and Trade Development Facility (STDF)",
    ),
    (8, "MSME Voices"),
]

# Every address printed in the issue's link lists, once each.
SEED_URLS = {
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/INF/MSME/4R2.pdf&Open=True",
    "https://www.wto.org/english/tratop_e/msmesandtra_e/rtaprovisions_e.htm",
    "https://www.wto.org/english/tratop_e/msmesandtra_e/msmesdatabase_e.htm",
    "https://trade4msmes.org/",
    "https://www.youtube.com/watch?v=fRfjUmzgeTo",
    "https://www.wto.org/english/forums_e/business_e/sbc_call_for_proposals.pdf",
    "https://www.wto.org/english/forums_e/business_e/msme_sbc_e.htm",
    "mailto:Trade4MSMEs@wto.org",
    "https://trade4msmes.org/policymaker-resources/policymaker-guides/government-procurement/",
    "https://trade4msmes.org/policymaker-resources/policymaker-guides/competition-policy/",
    "https://www.wto.org/english/news_e/news21_e/msmes_02dec21_e.htm",
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/INF/MSME/P1.pdf&Open=True",
    "https://www.wto.org/english/tratop_e/msmes_e/"
    "ersd_research_note1_msmes_in_developed_economies.pdf",
    "https://www.wto.org/english/tratop_e/msmes_e/"
    "ersd_research_note2_msmes_in_developed_economies.pdf",
    "https://www.wto.org/english/res_e/booksp_e/world_trade_report16_e.pdf",
    "https://www.wto.org/english/tratop_e/msmes_e/"
    "ersd_research_note3_small_business_and_climate_change.pdf",
    "https://www.wto.org/english/tratop_e/msmes_e/msmes_e.htm",
    "https://www.globalcyberalliance.org/gca-cybersecurity-toolkit-for-small-business/",
    "https://gcatoolkit.org/",
    "https://www.sustainabilitygateway.org/hubs-landing/",
    "https://www.apec.org/publications/2021/10/"
    "final-review-of-the-boracay-action-agenda-study-report",
    "https://www.standardsfacility.org/sites/default/files/STDF_GRP_Guide_EN.pdf",
    "https://www.standardsfacility.org/good-regulatory-practice",
    "mailto:email-ersd@wto.org",
    "https://www.globalcyberalliance.org/gca-partners-with-mastercard-and-mercy-corps-"
    "indonesia-to-make-cybersecurity-accessible-for-indonesian-small-businesses/",
    "https://www.globalcyberalliance.org/",
    "https://www.globalcyberalliance.org/global-cyber-alliance-cybersecurity-toolkits-"
    "adopted-for-use-under-the-uk-government-digital-access-programme/",
    "mailto:kathryn.lundquist@wto.org",
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/WT/MIN17/58R1.pdf",
}

MODELS = [
    MemberEconomy,
    GroupOfficer,
    NetworkOrganization,
    Topic,
    Guide,
    Meeting,
    Issue,
    Section,
    Question,
    SectionLink,
    Issue.featured_guides.through,
    Issue.featured_organizations.through,
]


@pytest.fixture
def issue():
    call_command("load_demo")
    return Issue.objects.get(slug=SLUG)


def counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def section(anchor):
    return Section.objects.get(issue__slug=SLUG, anchor=anchor)


class _Text(HTMLParser):
    """Reads rich text: its link targets, its text, and its text outside links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.plain, self.full = [], [], []
        self._in_link = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._in_link += 1
            self.hrefs.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_link -= 1
        elif tag in {"p", "li", "td", "th", "caption"}:
            self.plain.append("\n")
            self.full.append("\n")

    def handle_data(self, data):
        self.full.append(data)
        if not self._in_link:
            self.plain.append(data)


def parse(rich_text):
    parser = _Text()
    parser.feed(rich_text)
    parser.close()
    return parser


def rich_texts():
    """Every rich-text value of the demo issue."""
    sections = Section.objects.filter(issue__slug=SLUG)
    yield from sections.values_list("body", flat=True)
    yield from sections.values_list("interviewee_bio", flat=True)
    yield from Question.objects.filter(section__issue__slug=SLUG).values_list("answer", flat=True)


def all_text():
    """The issue's words as a reader sees them, tags removed."""
    parts = [Issue.objects.get(slug=SLUG).summary]
    for title, name, organization in Section.objects.filter(issue__slug=SLUG).values_list(
        "title", "interviewee_name", "interviewee_organization"
    ):
        parts += [title, name, organization]
    parts += Question.objects.filter(section__issue__slug=SLUG).values_list("question", flat=True)
    parts += ["".join(parse(value).full) for value in rich_texts()]
    return "\n".join(parts)


def is_well_formed(url):
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"}:
        return bool(parts.hostname) and "." in parts.hostname and " " not in url
    if parts.scheme == "mailto":
        address = unquote(parts.path)
        return parseaddr(address)[1] == address and re.fullmatch(
            r"[^@\s]+@[^@\s]+\.[a-z]{2,}", address, re.IGNORECASE
        )
    return False


# Loading


def test_loading_twice_changes_nothing(issue, capsys):
    before = counts()
    sections_before = list(
        Section.objects.values_list("anchor", "parent__anchor", "order", "title", "body")
    )
    call_command("load_demo")
    assert counts() == before
    assert (
        list(Section.objects.values_list("anchor", "parent__anchor", "order", "title", "body"))
        == sections_before
    )
    output = capsys.readouterr().out
    assert "Member economies: 0 created, 68 kept." in output
    assert "already exists" in output


def test_loading_fills_every_register(issue):
    assert counts() == {
        "network.MemberEconomy": 68,
        "network.GroupOfficer": 2,
        "network.NetworkOrganization": 17,
        "guides.Topic": 11,
        "guides.Guide": 13,
        "newsletters.Meeting": 5,
        "newsletters.Issue": 1,
        "newsletters.Section": 28,
        "newsletters.Question": 12,
        "newsletters.SectionLink": 2,
        "newsletters.Issue_featured_guides": 13,
        "newsletters.Issue_featured_organizations": 17,
    }


def test_staff_edits_survive_a_second_load_and_reset_restores_the_issue(issue):
    issue.summary = "Edited by the Secretariat."
    issue.save()
    message = section("message-from-the-coordinator")
    message.body = "<p>Corrected text.</p>"
    message.save()
    section("msme-voices").delete()
    NetworkOrganization.objects.filter(acronym="ITC").update(website="https://www.intracen.org/")
    MemberEconomy.objects.filter(name="Macao, China").update(joined_on=date(2021, 12, 15))

    call_command("load_demo")
    issue.refresh_from_db()
    assert issue.summary == "Edited by the Secretariat."
    assert section("message-from-the-coordinator").body == "<p>Corrected text.</p>"
    assert not Section.objects.filter(issue=issue, anchor="msme-voices").exists()

    call_command("load_demo", "--reset")
    reloaded = Issue.objects.get(slug=SLUG)
    assert reloaded.summary != "Edited by the Secretariat."
    assert "tangible outcomes" in section("message-from-the-coordinator").body
    assert section("interview-gill-thomas").parent.anchor == "msme-voices"
    assert Issue.objects.count() == 1
    assert Section.objects.count() == 28
    # Register rows are never overwritten, not even by --reset.
    assert NetworkOrganization.objects.get(acronym="ITC").website == "https://www.intracen.org/"
    assert MemberEconomy.objects.get(name="Macao, China").joined_on == date(2021, 12, 15)
    assert MemberEconomy.objects.count() == 68


def test_renamed_register_rows_are_not_added_again(issue):
    MemberEconomy.objects.filter(name="Turkey").update(name="Türkiye", sort_name="Turkiye")
    NetworkOrganization.objects.filter(acronym="ITC").update(name="ITC (renamed)")
    Guide.objects.filter(title="Exchange Rates").update(title="Exchange rates")
    Topic.objects.update(name=Upper("name"))
    Meeting.objects.filter(date=date(2022, 7, 15)).update(title="Meeting of the Group")
    counts = {model: model.objects.count() for model in (NetworkOrganization, Guide, Meeting)}

    call_command("load_demo")
    call_command("load_demo", "--reset")

    assert not MemberEconomy.objects.filter(name="Turkey").exists()
    assert MemberEconomy.objects.count() == 68
    assert MemberEconomy.objects.group_size() == 94
    assert {model: model.objects.count() for model in counts} == counts
    assert not Guide.objects.filter(title="Exchange Rates").exists()


def test_loading_with_reset_into_an_empty_database_creates_everything():
    call_command("load_demo", "--reset")
    assert Issue.objects.filter(slug=SLUG).count() == 1
    assert Section.objects.count() == 28


# The issue and its structure


def test_issue_metadata(issue):
    assert issue.title == "Summer 2022"
    assert issue.season == "summer"
    assert issue.volume is None and issue.number is None
    assert issue.is_public
    assert date(2022, 6, 27) < issue.published_at.date() < date(2022, 7, 15)
    assert 0 < len(issue.summary) <= 400


def test_numbered_sections_in_printed_order(issue):
    numbered = Section.objects.filter(issue=issue, number__isnull=False).order_by("order")
    assert [(s.number, s.title) for s in numbered] == NUMBERED_HEADINGS
    assert all(s.parent_id is None for s in numbered)
    assert numbered[0].kind == "coordinator_message"


def test_issue_page_shows_the_numbered_headings_in_order(issue, client):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    headings = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", heading)).split())
        for heading in re.findall(r"<h[2-6]\b[^>]*>(.*?)</h[2-6]>", response.content.decode(), re.S)
    ]
    if not any(NUMBERED_HEADINGS[1][1] in heading for heading in headings):
        pytest.skip("the issue page does not show the sections yet")
    positions = [
        next(i for i, heading in enumerate(headings) if title in heading)
        for _, title in NUMBERED_HEADINGS
    ]
    assert positions == sorted(positions)


def test_coordinators_message_is_signed_as_printed(issue):
    message = section("message-from-the-coordinator")
    assert message.signatory_title == "Ambassador"
    assert message.signatory_name == "Jose Luis Cancela"
    assert message.signatory_economy.name == "Uruguay"
    assert message.body.endswith("<p>Wishing you a lovely summer ahead!</p>")


def test_presentations_are_six_unnumbered_articles_under_section_6(issue):
    presentations = section("presentations-to-the-group").children.order_by("order")
    assert [(s.kind, s.number) for s in presentations] == [("article", None)] * 6
    titles = [s.title for s in presentations]
    assert titles[0].startswith("Born Green Via Digital Toolkit")
    assert titles[1:5] == [
        "Global Legal Entity Identifier Foundation (GLEIF)",
        "Global Cyber Alliance (GCA)",
        "ITC GreenToCompete",
        "Philippines Presentation on the APEC Boracay Action Agenda",
    ]
    assert titles[5].startswith("UNCTAD – Intergovernmental Group of Experts")
    figure = presentations[0].body
    assert "A born green via digital policy toolkit: Framework and key elements" in figure
    assert "<li>Optimizing the regulatory environment</li>" in figure
    assert "<li>Green transition of existing MSMEs</li>" in figure


@pytest.mark.parametrize(
    ("anchor", "name", "organization", "bio_passage", "first_question", "last_question"),
    [
        (
            "interview-gill-thomas",
            "Gill Thomas",
            "Global Cyber Alliance (GCA)",
            "GCA is an international, cross sector, non-profit organisation",
            "A few words about yourself and your interest in the MSME cause.",
            "How, in your view, can the WTO Informal Working Group on MSMEs help firms be "
            "more cyber ready and access international markets?",
        ),
        (
            "interview-funke-bolujoko",
            "Dr Funke Bolujoko",
            "RUCHIM Ltd.",
            "RUCHIM Ltd is a research-based, multi award-winning SME in Nigeria",
            "A few words about yourself and your interest in the MSME cause.",
            "How, in your view, can the WTO Informal Working Group on MSMEs help firms access "
            "international markets?",
        ),
    ],
)
def test_interviews_have_every_question_in_order(
    issue, anchor, name, organization, bio_passage, first_question, last_question
):
    interview = section(anchor)
    assert interview.kind == "interview"
    assert interview.parent.anchor == "msme-voices"
    assert (interview.interviewee_name, interview.interviewee_organization) == (
        name,
        organization,
    )
    assert bio_passage in interview.interviewee_bio
    questions = list(interview.questions.order_by("order"))
    assert len(questions) == 6
    assert questions[0].question == first_question
    assert questions[-1].question == last_question
    assert all(q.answer.startswith(("<p>", "<ul>")) for q in questions)


def test_interview_bios_and_tips(issue):
    gill = section("interview-gill-thomas")
    assert "She has a BSc (Hons) in Electronic Engineering." in gill.interviewee_bio
    tips = gill.questions.get(order=3).answer
    assert tips.startswith("<ul>") and tips.count("<li>") == 7
    assert "<li>Use anti-virus software and Quad9.</li>" in tips
    funke = section("interview-funke-bolujoko")
    assert "supporting over 90 countries as a Public Health Advisor" in funke.interviewee_bio
    assert "She Trades Programme" in funke.questions.get(order=5).answer


BOXES = {
    # anchor: (shown with, box style, listing)
    "upcoming-meetings": ("message-from-the-coordinator", "plain", "upcoming_meetings"),
    "past-events": ("message-from-the-coordinator", "plain", "past_events"),
    "small-business-champions-2022": ("message-from-the-coordinator", "highlight", ""),
    "trade4msmes-network": ("trade4msmes-website-updates", "plain", "network"),
    "digital-champions-check-in": ("annual-meeting-with-the-private-sector", "quote", ""),
    "about-the-stdf": ("stdf-good-regulatory-practices", "plain", ""),
    "call-for-case-studies": ("msme-voices", "highlight", ""),
    "why-an-informal-working-group": (None, "plain", ""),
    "road-to-buenos-aires": (None, "plain", ""),
    "coordinator-quote": (None, "quote", ""),
    "what-is-the-group": (None, "plain", "members"),
    "welcome-macao-china-and-tajikistan": (None, "highlight", ""),
}


def test_side_boxes_sit_beside_their_sections(issue):
    boxes = Section.objects.filter(issue=issue, kind="box").select_related("parent")
    assert {
        box.anchor: (box.parent.anchor if box.parent else None, box.box_style, box.listing)
        for box in boxes
    } == BOXES
    assert section("trade4msmes-website-updates").listing == "new_guides"


def test_back_page_comes_last_in_printed_order(issue):
    top_level = Section.objects.filter(issue=issue, parent=None).order_by("order")
    assert [s.anchor for s in top_level][-5:] == [
        "why-an-informal-working-group",
        "road-to-buenos-aires",
        "coordinator-quote",
        "what-is-the-group",
        "welcome-macao-china-and-tajikistan",
    ]


def test_digital_champions_box_keeps_its_lettered_list(issue):
    body = section("digital-champions-check-in").body
    assert "(By Tofara Chokera, CDMP and Loveness Nleya)" in body
    assert [item.split(")")[0] for item in re.findall(r"<li>(.*?)</li>", body)] == list("abcd")


def test_small_business_champions_call_links(issue):
    box = section("small-business-champions-2022")
    assert "International Chambre of Commerce" in box.body
    assert list(box.links.values_list("label", "url")) == [
        ("Call for proposals", "https://www.wto.org/english/forums_e/business_e/sbc_call_for_proposals.pdf"),
        ("Small Business Champions", "https://www.wto.org/english/forums_e/business_e/msme_sbc_e.htm"),
    ]  # fmt: skip


# Registers


def test_meetings_and_events(issue):
    published = issue.published_at.date()
    assert [(m.date, m.title) for m in Meeting.objects.upcoming(from_date=published)] == [
        (date(2022, 7, 15), "MSME Group meeting"),
        (date(2022, 10, 12), "MSME Group meeting"),
        (date(2022, 12, 8), "MSME Group meeting"),
    ]
    events = list(Meeting.objects.past_events(before=published))
    assert [(e.date, e.title) for e in events] == [
        (date(2022, 6, 8), "Launch of the Trade4MSMEs Network"),
        (date(2022, 6, 27), "Launch of the 2022 Small Business Champions Initiative"),
    ]
    assert events[1].recording_url == "https://www.youtube.com/watch?v=fRfjUmzgeTo"
    assert [(e.title_fr, e.title_es) for e in events] == [
        ("Lancement du Réseau Trade4MSMEs", "Puesta en marcha de la Red Trade4MSMEs"),
        (
            "Lancement de l'initiative Small Business Champions 2022",
            "Puesta en marcha de la iniciativa Small Business Champions 2022",
        ),
    ]
    assert all(m.title_fr and m.title_es for m in Meeting.objects.all())
    # The issue gives no time or place: all-day, Geneva time, not announced.
    assert all(m.is_all_day and m.time_zone == "Europe/Zurich" for m in Meeting.objects.all())
    assert not any(m.format or m.place or m.documents for m in Meeting.objects.all())


def box_html(page, anchor):
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_issue_page_boxes_list_the_meetings_and_events_as_printed(issue, client):
    page = client.get(issue.get_absolute_url()).content.decode()
    upcoming = box_html(page, "upcoming-meetings")
    assert re.findall(r'<time class="date" datetime="([^"]+)">([^<]+)</time>', upcoming) == [
        ("2022-07-15", "15 July 2022"),
        ("2022-10-12", "12 October 2022"),
        ("2022-12-08", "8 December 2022"),
    ]
    past = box_html(page, "past-events")
    assert re.findall(r'<time class="date" datetime="([^"]+)">', past) == [
        "2022-06-08",
        "2022-06-27",
    ]
    assert "Launch of the Trade4MSMEs Network" in past
    assert 'href="https://www.youtube.com/watch?v=fRfjUmzgeTo"' in past


def test_network_organizations_in_printed_order(issue):
    organizations = list(NetworkOrganization.objects.order_by("display_order"))
    assert [o.display_order for o in organizations] == list(range(1, 18))
    assert [o.acronym or o.name for o in organizations] == [
        "ADB", "EBRD", "IDB", "ILO", "ITU", "ITC", "OECD", "UNECA", "UNECE", "ECLAC",
        "ESCAP", "ESCWA", "UNIDO", "UNCITRAL", "WCO", "WIPO", "World Bank",
    ]  # fmt: skip
    assert organizations[6].name == "Organisation for Economic Co-operation and Development"
    assert organizations[9].name == (
        "United Nations Economic Commission for Latin America and the Caribbean"
    )
    kinds = {o.acronym or o.name: o.kind for o in organizations}
    assert {k for k, kind in kinds.items() if kind == "development_bank"} == {
        "ADB",
        "EBRD",
        "IDB",
        "World Bank",
    }
    assert {k for k, kind in kinds.items() if kind == "un_regional_commission"} == {
        "UNECA",
        "UNECE",
        "ECLAC",
        "ESCAP",
        "ESCWA",
    }
    assert all(o.joined_on == date(2022, 6, 8) for o in organizations)
    assert all(o.website.startswith("https://") for o in organizations)
    assert set(issue.featured_organizations.all()) == set(organizations)


def test_membership_is_the_corrected_list(issue):
    names = list(MemberEconomy.objects.values_list("name", flat=True))
    assert len(names) == len(set(names)) == 68
    assert names.count("Mongolia") == 1
    assert MemberEconomy.objects.group_size() == 94
    eu = MemberEconomy.objects.get(is_european_union=True)
    assert (eu.name, eu.eu_member_states) == ("European Union", 27)


def test_membership_sorts_as_a_reader_expects(issue):
    rows = list(MemberEconomy.objects.values_list("name", "sort_name"))
    sort_names = [sort_name for _, sort_name in rows]
    assert sort_names == sorted(sort_names, key=str.casefold)
    names = [name for name, _ in rows]
    sort_key = dict(rows)
    assert sort_key["The Gambia"].startswith("G")
    assert names.index("European Union") < names.index("The Gambia") < names.index("Georgia")
    assert sort_key["the Republic of Korea"].startswith("K")
    assert (
        names.index("Kenya") < names.index("the Republic of Korea") < names.index("Kyrgyz Republic")
    )
    assert names.index("Costa Rica") < names.index("Côte d'Ivoire") < names.index("Dominica")
    assert names.index("Dominica") < names.index("the Dominican Republic") < names.index("Ecuador")
    assert (
        names.index("Mexico")
        < names.index("the Republic of Moldova")
        < names.index("Mongolia")
        < names.index("Montenegro")
    )
    assert names.index("Ukraine") < names.index("United Kingdom") < names.index("Uruguay")
    assert names.index("Bahrain, Kingdom of") < names.index("Belize")


def test_newest_members_and_officers(issue):
    assert [(e.name, e.joined_on) for e in MemberEconomy.objects.newest()] == [
        ("Tajikistan", date(2022, 5, 1)),
        ("Macao, China", date(2021, 12, 1)),
    ]
    coordinator = GroupOfficer.objects.current().get()
    assert (coordinator.name, coordinator.role, coordinator.economy.name) == (
        "H.E. Mr José Luis Cancela",
        "coordinator",
        "Uruguay",
    )
    assert coordinator.term_start == date(2018, 1, 1)
    chair = GroupOfficer.objects.previous().get()
    assert (chair.name, chair.role, chair.economy.name) == (
        "H.E. Mr Héctor Casanueva",
        "chair",
        "Chile",
    )
    assert (chair.term_start, chair.term_end) == (date(2017, 6, 1), date(2018, 1, 31))


def test_new_guides_by_audience(issue):
    guides = issue.featured_guides.all()
    assert sorted(g.title for g in guides if g.audience == "msmes") == sorted(
        [
            "Standards for Cross-Border Paperless Trade – for MSMEs",
            "Exchange Rates",
            "Reverse Logistics",
            "Standards",
            "Voluntary Sustainability Standards (VSS) – for MSMEs",
        ]
    )
    assert sorted(g.title for g in guides if g.audience == "policymakers") == sorted(
        [
            "Standards for Cross-Border Paperless Trade – for policymakers",
            "Competition Policy",
            "Government Procurement",
            "Investment Facilitation",
            "Regional Trade Agreements",
            "Think Small First Principal",
            "Trade Remedies",
            "Voluntary Sustainability Standards (VSS) – for policymakers",
        ]
    )
    printed = "https://trade4msmes.org/policymaker-resources/policymaker-guides/"
    assert Guide.objects.get(title="Competition Policy").url == printed + "competition-policy/"
    assert (
        Guide.objects.get(title="Government Procurement").url == printed + "government-procurement/"
    )
    assert all(g.url.startswith("https://trade4msmes.org/") for g in guides)


# Fidelity and cleanliness of the text


@pytest.mark.parametrize(
    "passage",
    [
        # Words the extraction had broken across lines.
        "continued support and interest in the WTO MSME Informal Working Group",
        "it has worked hard to develop tangible outcomes that could support micro-, small- and "
        "medium-sized enterprise (MSME) participation in international trade",
        "(INF/MSME/4/Rev.2)",
        "the Trade4MSMEs Network of development banks, international and regional organizations",
        "The launch was very well-received with twelve presentations",
        "Pamela Coke-Hamilton, Executive Director, International Trade Centre; John Denton, "
        "Secretary General, International Chamber of Commerce; and Ngozi Okonjo-Iweala",
        "join the decarbonization effort",
        "United Nations Commission for International Trade Law (UNCITRAL)",
        "Recent Evolution of Developed-Economy MSME Participation in International Trade",
        "accounting for only 36 per cent of exports and 41 per cent of imports",
        "Finally, Second Muguyo from Copperwares, a Zimbabwe copper and silver goods manufacturer",
        "their free-to-use toolkit of MSME resources",
        "coaching programmes or MSMEs",
        "trade facilitation and e-commerce",
        "can help these businesses improve their credit worthiness and access to finance.",
        "public and private sector stakeholder engagement",
        "MicroMentor online platform",
        "simple-to-implement, effective cybersecurity controls",
        "International Trade Fairs had has helped",
        "So far we have trained more than 80 students online from Botswana, Nigeria, South "
        "Africa, Zambia, and Zimbabwe",
        "Your values and approach vis-à-vis environmental issues",
        "an Informal Dialogue on MSMEs chaired by H.E. Mr Héctor Casanueva of Chile.",
        "a win-win for everybody - and employment",
        "exchange information on a voluntarily basis",
        "Macao, China and Tajikistan became the most recent MSME Group members in December "
        "2021 and May 2022.",
    ],
)
def test_passages_read_as_printed(issue, passage):
    assert passage in " ".join(all_text().split())


def test_no_hyphenation_or_layout_artifacts_remain(issue):
    text = all_text()
    # A hyphen at a word's end is kept only before "and"/"or" ("small- and medium-sized").
    broken = [
        match.group(0)
        for match in re.finditer(r"\b\w+-\s+(\w+)", text)
        if match.group(1) not in {"and", "or"}
    ]
    assert broken == []
    for fragment in ["in- terest", "out- comes", "Organi- zation", "Co- operation", "\u00ad"]:
        assert fragment not in text
    assert "  " not in text
    assert not re.search(r"\s[,.;:)]", text.replace(" ;", "")), "space before punctuation"


def test_every_link_is_well_formed(issue):
    urls = []
    for value in rich_texts():
        hrefs = parse(value).hrefs
        assert None not in hrefs
        urls += hrefs
    urls += SectionLink.objects.values_list("url", flat=True)
    for meeting in Meeting.objects.all():
        urls += [u for u in (meeting.link, meeting.recording_url) if u]
    urls += Guide.objects.values_list("url", flat=True)
    urls += NetworkOrganization.objects.values_list("website", flat=True)
    malformed = [url for url in urls if not is_well_formed(url)]
    assert malformed == []
    assert set(urls) >= SEED_URLS, SEED_URLS - set(urls)


def test_no_address_appears_as_bare_text(issue):
    plain = []
    for value in rich_texts():
        plain.append("".join(parse(value).plain))
    plain += list(Section.objects.values_list("title", flat=True))
    plain += list(Question.objects.values_list("question", flat=True))
    text = "\n".join(plain)
    assert not re.search(r"https?://|www\.", text)
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text)
    assert not re.search(r"\b[\w-]+\.(?:org|com|int|net)\b", text, re.IGNORECASE)


# French and Spanish

LANGUAGES = ("fr", "es")
# Sections translated completely: the Coordinator's message and the side boxes.
TRANSLATED_SECTIONS = {"message-from-the-coordinator", *BOXES}


def test_every_economy_has_its_wto_names_in_french_and_spanish(issue):
    economies = list(MemberEconomy.objects.all())
    for economy in economies:
        for field in ("name", "sort_name"):
            for language in LANGUAGES:
                assert getattr(economy, f"{field}_{language}").strip(), (economy, field, language)
    names = {e.name_en: (e.name_fr, e.name_es) for e in economies}
    assert names["United Kingdom"] == ("Royaume-Uni", "Reino Unido")
    assert names["European Union"] == ("Union européenne", "Unión Europea")
    assert names["Côte d'Ivoire"] == ("Côte d'Ivoire", "Côte d'Ivoire")
    assert names["Macao, China"] == ("Macao, Chine", "Macao, China")
    assert names["Chinese Taipei"] == ("Taipei chinois", "Taipei Chino")
    assert names["Turkey"] == ("Türkiye", "Türkiye")
    assert names["the Republic of Korea"] == ("la République de Corée", "la República de Corea")


@pytest.mark.parametrize(
    ("language", "in_order"),
    [
        ("fr", ["Colombie", "la République de Corée", "Costa Rica", "Côte d'Ivoire"]),
        ("fr", ["El Salvador", "Équateur", "Gambie", "Géorgie"]),
        ("fr", ["Ukraine", "Union européenne", "Uruguay"]),
        ("es", ["Colombia", "la República de Corea", "Costa Rica", "Côte d'Ivoire"]),
        ("es", ["Qatar", "Federación de Rusia", "Saint Kitts y Nevis"]),
        ("es", ["Ucrania", "Unión Europea", "Uruguay"]),
    ],
)
def test_translated_sort_names_ignore_articles_and_accents(issue, language, in_order):
    rows = MemberEconomy.objects.order_by(f"sort_name_{language}")
    names = list(rows.values_list(f"name_{language}", flat=True))
    positions = [names.index(name) for name in in_order]
    assert positions == sorted(positions)
    sort_names = list(rows.values_list(f"sort_name_{language}", flat=True))
    assert all(name.isascii() for name in sort_names)
    articles = [n for n in sort_names if re.match(r"(la|le|les|l'|los|las) ", n, re.IGNORECASE)]
    assert articles == []


def test_every_organization_and_topic_has_french_and_spanish_names(issue):
    organizations = list(NetworkOrganization.objects.all())
    assert all(o.name_fr.strip() and o.name_es.strip() for o in organizations)
    acronyms = {o.acronym_en or o.name_en: (o.acronym_fr, o.acronym_es) for o in organizations}
    assert acronyms["WIPO"] == ("OMPI", "OMPI")
    assert acronyms["OECD"] == ("OCDE", "OCDE")
    assert acronyms["ECLAC"] == ("CEPALC", "CEPAL")
    assert acronyms["WCO"] == ("OMD", "OMA")
    assert acronyms["UNCITRAL"] == ("CNUDCI", "CNUDMI")
    world_bank = NetworkOrganization.objects.get(name_en="World Bank")
    assert (world_bank.name_fr, world_bank.name_es) == ("Banque mondiale", "Banco Mundial")
    topics = list(Topic.objects.all())
    assert all(t.name_fr.strip() and t.name_es.strip() for t in topics)
    assert Topic.objects.get(slug="government-procurement").name_fr == "Marchés publics"


def test_the_issue_and_every_section_title_are_translated(issue):
    assert (issue.title_fr, issue.title_es) == ("Été 2022", "Verano 2022")
    assert 0 < len(issue.summary_fr) <= 400 and 0 < len(issue.summary_es) <= 400
    for row in Section.objects.filter(issue=issue):
        for language in LANGUAGES:
            title = getattr(row, f"title_{language}")
            assert title.strip() == title != "", (row.anchor, language)
    assert section("message-from-the-coordinator").title_fr == "Message du Coordonnateur"
    assert section("trade4msmes-network").title_es == "Red Trade4MSMEs"


def test_translated_texts_keep_the_english_links_and_structure(issue):
    for anchor in TRANSLATED_SECTIONS:
        row = section(anchor)
        for language in LANGUAGES:
            text = getattr(row, f"body_{language}")
            assert bool(text) == bool(row.body_en), (anchor, language)
            assert parse(text).hrefs == parse(row.body_en).hrefs, (anchor, language)
            for tag in ("<p>", "<li>", "<strong>"):
                assert text.count(tag) == row.body_en.count(tag), (anchor, language, tag)
    message = section("message-from-the-coordinator")
    assert "Groupe de travail informel sur les MPME" in message.body_fr
    assert "Grupo de Trabajo Informal sobre las MIPYME" in message.body_es
    assert (message.signatory_title_fr, message.signatory_title_es) == ("Ambassadeur", "Embajador")
    assert "Membres de l'OMC" in section("why-an-informal-working-group").body_fr
    assert "Miembros de la OMC" in section("why-an-informal-working-group").body_es
    labels = section("small-business-champions-2022").links.values_list("label_fr", "label_es")
    assert list(labels) == [
        ("Appel à propositions", "Convocatoria de propuestas"),
        ("Small Business Champions", "Small Business Champions"),
    ]


def test_editions_report_the_translated_sections(issue):
    by_language = {edition.language: edition for edition in editions(issue)}
    assert set(by_language) == set(LANGUAGES)
    for language in LANGUAGES:
        edition = by_language[language]
        assert (edition.up_to_date, edition.translated, edition.total) == (13, 13, 28)
        assert not edition.is_complete
        up_to_date = {
            row.anchor
            for row in Section.objects.filter(issue=issue)
            if status(row, language) == UP_TO_DATE
        }
        assert up_to_date == TRANSLATED_SECTIONS
    # An article with a translated title only still misses its body.
    assert status(section("msme-day-2022"), "fr") == MISSING


def test_a_staff_edited_french_title_is_kept_and_reset_restores_it(issue):
    box = section("road-to-buenos-aires")
    box.title_fr = "Vers Buenos Aires (2017)"
    box.save()
    cleared = section("about-the-stdf")
    cleared.title_es = ""
    cleared.save()

    call_command("load_demo")
    assert section("road-to-buenos-aires").title_fr == "Vers Buenos Aires (2017)"
    assert status(section("road-to-buenos-aires"), "fr") == UP_TO_DATE
    # A translation that went missing is seeded again, and is up to date.
    assert section("about-the-stdf").title_es == "Acerca del STDF"
    assert status(section("about-the-stdf"), "es") == UP_TO_DATE

    call_command("load_demo", "--reset")
    assert section("road-to-buenos-aires").title_fr == "Le chemin vers Buenos Aires 2017"


def test_no_translation_is_added_to_english_staff_changed(issue):
    box = section("coordinator-quote")
    box.title_en = "A word from the Coordinator"
    box.title_fr = ""
    box.save()
    MemberEconomy.objects.filter(name_en="Turkey").update(name_en="Türkiye", name_fr=None)

    call_command("load_demo")
    # The files' French answers to the English they hold, not to staff's.
    assert section("coordinator-quote").title_fr == ""
    assert MemberEconomy.objects.get(name_en="Türkiye").name_fr is None


def test_registers_seeded_before_translations_get_them(issue, capsys):
    # Rows loaded before the register files had translations: names are
    # unique, so a missing one is NULL.
    MemberEconomy.objects.update(name_fr=None, sort_name_fr=None, name_es=None)
    MemberEconomy.objects.filter(name_en="United Kingdom").update(name_es="Reino Unido (RU)")
    NetworkOrganization.objects.update(acronym_fr="")
    Topic.objects.update(name_es=None)
    Meeting.objects.filter(date=date(2022, 7, 15)).update(title_fr="Réunion (Genève)")
    Meeting.objects.exclude(date=date(2022, 7, 15)).update(title_fr="")

    call_command("load_demo")
    assert "Member economies: 0 created, 68 kept." in capsys.readouterr().out
    uk = MemberEconomy.objects.get(name_en="United Kingdom")
    assert (uk.name_fr, uk.sort_name_fr, uk.name_es) == (
        "Royaume-Uni",
        "Royaume-Uni",
        "Reino Unido (RU)",
    )
    assert all(e.name_fr and e.sort_name_fr and e.name_es for e in MemberEconomy.objects.all())
    assert NetworkOrganization.objects.get(acronym_en="WIPO").acronym_fr == "OMPI"
    assert all(t.name_es for t in Topic.objects.all())
    assert Meeting.objects.get(date=date(2022, 7, 15)).title_fr == "Réunion (Genève)"
    assert Meeting.objects.get(date=date(2022, 10, 12)).title_fr == "Réunion du Groupe MPME"


def test_loading_in_another_active_language_keeps_the_english_as_english():
    with translation.override("fr"):
        call_command("load_demo", verbosity=0)
    message = section("message-from-the-coordinator")
    assert (message.title_en, message.title_fr) == (
        "Message from the Coordinator",
        "Message du Coordonnateur",
    )
    assert Issue.objects.get(slug=SLUG).title_en == "Summer 2022"
    assert MemberEconomy.objects.filter(name_en="United Kingdom", name_fr="Royaume-Uni").exists()
