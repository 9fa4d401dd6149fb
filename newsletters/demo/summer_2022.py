"""The Summer 2022 issue of the WTO MSME Group newsletter, as data.

Text is as printed, with only the damage of the PDF's text extraction undone:
words broken across lines are joined again (real hyphens such as
"medium-sized" stay), columns are separated, page numbers and the lists of
link addresses at each page's end are dropped, and each address is put back
on the words it belonged to. The authors' own wording, spelling and typos are
kept ("International Chambre of Commerce", "coaching programmes or MSMEs").

Sections are listed in reading order. Each may carry `children`: the
presentations under section 6, the interviews under section 8, and the side
boxes that sit beside a section in the printed layout. The back page's boxes
stand on their own, after section 8, as they do in print: they describe the
Group as a whole rather than any one article.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

_BLOCK_TAG = re.compile(r"\s*(</?(?:p|ul|ol|li|table|caption|thead|tbody|tr|th|td)\b[^>]*>)\s*")


def html(text):
    """Rich text written over several source lines, made one clean string:
    runs of white space become one space, and none is left around block tags."""
    return _BLOCK_TAG.sub(r"\1", " ".join(text.split()))


# Addresses printed in the issue.
INF_MSME_4_REV_2 = (
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/INF/MSME/4R2.pdf&Open=True"
)
INF_MSME_P_1 = (
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/INF/MSME/P1.pdf&Open=True"
)
MC11_DRAFT_DECLARATION = (
    "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/WT/MIN17/58R1.pdf"
)
RTA_DATABASE = "https://www.wto.org/english/tratop_e/msmesandtra_e/rtaprovisions_e.htm"
TPR_DATABASE = "https://www.wto.org/english/tratop_e/msmesandtra_e/msmesdatabase_e.htm"
TRADE4MSMES = "https://trade4msmes.org/"
TRADE4MSMES_EMAIL = "mailto:Trade4MSMEs@wto.org"
SBC_RECORDING = "https://www.youtube.com/watch?v=fRfjUmzgeTo"
SBC_CALL_FOR_PROPOSALS = (
    "https://www.wto.org/english/forums_e/business_e/sbc_call_for_proposals.pdf"
)
SBC_PAGE = "https://www.wto.org/english/forums_e/business_e/msme_sbc_e.htm"
DIGITAL_CHAMPIONS_WINNERS = "https://www.wto.org/english/news_e/news21_e/msmes_02dec21_e.htm"
_RESEARCH_NOTES = "https://www.wto.org/english/tratop_e/msmes_e/"
RESEARCH_NOTE_1 = _RESEARCH_NOTES + "ersd_research_note1_msmes_in_developed_economies.pdf"
# The second note's address repeats "developed_economies" as printed.
RESEARCH_NOTE_2 = _RESEARCH_NOTES + "ersd_research_note2_msmes_in_developed_economies.pdf"
RESEARCH_NOTE_3 = _RESEARCH_NOTES + "ersd_research_note3_small_business_and_climate_change.pdf"
WORLD_TRADE_REPORT_2016 = "https://www.wto.org/english/res_e/booksp_e/world_trade_report16_e.pdf"
MSME_GROUP_PAGE = "https://www.wto.org/english/tratop_e/msmes_e/msmes_e.htm"
GCA = "https://www.globalcyberalliance.org/"
GCA_TOOLKIT = GCA + "gca-cybersecurity-toolkit-for-small-business/"
GCA_TOOLKIT_SITE = "https://gcatoolkit.org/"
GCA_MASTERCARD_INDONESIA = (
    GCA + "gca-partners-with-mastercard-and-mercy-corps-indonesia-to-make-cybersecurity-"
    "accessible-for-indonesian-small-businesses/"
)
GCA_UK_DIGITAL_ACCESS = (
    GCA + "global-cyber-alliance-cybersecurity-toolkits-adopted-for-use-under-the-uk-"
    "government-digital-access-programme/"
)
GREENTOCOMPETE_HUBS = "https://www.sustainabilitygateway.org/hubs-landing/"
APEC_BAA_STUDY = (
    "https://www.apec.org/publications/2021/10/"
    "final-review-of-the-boracay-action-agenda-study-report"
)
STDF_GRP_GUIDE = "https://www.standardsfacility.org/sites/default/files/STDF_GRP_Guide_EN.pdf"
STDF_GRP_PAGE = "https://www.standardsfacility.org/good-regulatory-practice"
ERSD_EMAIL = "mailto:email-ersd@wto.org"
CASE_STUDIES_EMAIL = "mailto:kathryn.lundquist@wto.org"

SLUG = "summer-2022"

ISSUE = {
    "slug": SLUG,
    "title": "Summer 2022",
    "season": "summer",
    "status": "published",
    # The issue carries no date. It reports MSME Day (27 June 2022) as past
    # and lists a Group meeting on 15 July 2022 as upcoming, so it went out
    # between the two; the start of July is a fair publication date.
    "published_at": datetime(2022, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Zurich")),
    "summary": (
        "This issue reports on the launch of the Trade4MSMEs Network, MSME Day 2022 and the "
        "second Small Business Champions initiative, new Trade4MSMEs guides, new WTO research "
        "notes and the presentations made to the Group in 2022. It also carries interviews "
        "with the Global Cyber Alliance and RUCHIM Ltd."
    ),
}

# Group meetings and events, as dated data: (kind, date, title, recording).
MEETINGS = [
    ("meeting", date(2022, 7, 15), "MSME Group meeting", ""),
    ("meeting", date(2022, 10, 12), "MSME Group meeting", ""),
    ("meeting", date(2022, 12, 8), "MSME Group meeting", ""),
    ("event", date(2022, 6, 8), "Launch of the Trade4MSMEs Network", ""),
    (
        "event",
        date(2022, 6, 27),
        "Launch of the 2022 Small Business Champions Initiative",
        SBC_RECORDING,
    ),
]

# Section keys: anchor, title, kind (default "article"), number, body,
# box_style, listing, signatory_*, interviewee_*, questions [(question,
# answer)], links [(label, url)] and children (sections shown with it).
SECTIONS = [
    {
        "anchor": "message-from-the-coordinator",
        "kind": "coordinator_message",
        "number": 1,
        "title": "Message from the Coordinator",
        "signatory_title": "Ambassador",
        # Printed without the accent here, with it elsewhere in the issue.
        "signatory_name": "Jose Luis Cancela",
        "signatory_economy": "Uruguay",
        "body": html(f"""
            <p>Let me first express my appreciation for your continued support and interest in
            the WTO MSME Informal Working Group. This year, 2022, marks the fifth year following
            the Group's launch in Buenos Aires at the WTO's 11th Ministerial Conference at the
            end of 2017. In the past years the Group has grown to 94 and it has worked hard to
            develop tangible outcomes that could support micro-, small- and medium-sized
            enterprise (MSME) participation in international trade. These deliverables include
            the 2020 Package of Recommendations and Declarations
            (<a href="{INF_MSME_4_REV_2}">INF/MSME/4/Rev.2</a>), two databases (one on
            <a href="{RTA_DATABASE}">MSME provisions in regional trade agreements</a> and the
            other on <a href="{TPR_DATABASE}">MSME references in WTO Trade Policy Reviews</a>)
            and of course the <a href="{TRADE4MSMES}">Trade4MSMEs web platform</a>.</p>
            <p>While working on all of these initiatives, the next ministerial conference, MC12,
            was always at the back of the Group's mind. One pandemic and two postponements
            later, MC12 has finally taken place. Although the challenging political situation
            prevented the Group from endorsing its draft declaration issued at the end of 2021,
            on 8 June, days before MC12, the Group had the pleasure of launching the
            Trade4MSMEs Network of development banks, international and regional
            organizations that are also working on supporting MSMEs and trade. The launch was
            very well-received with twelve presentations on work that has been completed or is
            currently under way. The Network will meet annually to brief participants on
            developments through the year and this information will be gathered by the WTO
            Secretariat to update the Trade4MSMEs platform.</p>
            <p>Going forward the Group will return to its substantive work on recommendations
            and declarations. Recent topics that have been presented to the group include cyber
            readiness, low-value shipments, and sustainable trade. There are many more topics
            that the Group can explore and work on and we look forward to being in touch with
            you all about the pressing MSME trade-issues that we can consider.</p>
            <p>Let me close here. We have come a long way and with your help I know the Group
            will go further still. I look forward to this next phase of the MSME Informal
            Working Group.</p>
            <p>Wishing you a lovely summer ahead!</p>
        """),
        "children": [
            {
                "anchor": "upcoming-meetings",
                "kind": "box",
                "title": "Upcoming meetings in 2022",
                "listing": "upcoming_meetings",
            },
            {
                "anchor": "past-events",
                "kind": "box",
                "title": "Past events",
                "listing": "past_events",
            },
            {
                "anchor": "small-business-champions-2022",
                "kind": "box",
                "box_style": "highlight",
                "title": (
                    "Small Business Champions Initiative 2022: Helping small businesses "
                    "transition to a sustainable economy"
                ),
                "body": html(f"""
                    <p>The WTO MSME Group, in partnership with the International Chambre of
                    Commerce and the International Trade Centre, is calling for proposals that
                    help small businesses to transition to more sustainable business practices,
                    and contribute to global decarbonization. Industry associations, chambers of
                    commerce, NGOs and the private sector are invited to submit proposals. To
                    find out more, please visit <a href="{SBC_CALL_FOR_PROPOSALS}">here</a>.</p>
                """),
                "links": [
                    ("Call for proposals", SBC_CALL_FOR_PROPOSALS),
                    ("Small Business Champions", SBC_PAGE),
                ],
            },
        ],
    },
    {
        "anchor": "trade4msmes-website-updates",
        "number": 2,
        "title": "Trade4MSMEs website updates",
        "listing": "new_guides",
        "body": html(f"""
            <p>The Trade4MSMEs website continues to be updated. New guides for MSMEs and
            policymakers have been developed including on exchange rates and reverse logistics
            (see table below). Next steps for the website include developing more regional and
            national content links and improvement to the search capacity. Following some
            technical glitches the contact links on the webpage are now fully functional and we
            invite all interested users to reach out about the website using these tools or
            directly at <a href="{TRADE4MSMES_EMAIL}">Trade4MSMEs@wto.org</a>.</p>
            <p><strong>New Guides on <a href="{TRADE4MSMES}">Trade4MSMEs.org</a></strong></p>
        """),
        "children": [
            {
                "anchor": "trade4msmes-network",
                "kind": "box",
                "title": "Trade4MSMEs Network",
                "listing": "network",
                "body": html("""
                    <p>Launched on 8 June 2022, the Trade4MSMEs Network currently counts 17
                    development banks, international and regional organizations as participants
                    (see list below) and outreach continues to additional organizations. Created
                    with the objective of maintaining the Trade4MSMEs web platform and keeping
                    its information current, the network also aims to facilitate collaboration
                    among participants, identify new tools to help MSMEs trade and to explore
                    the possibility of joint projects. The Network plans to meet annually.</p>
                """),
            },
        ],
    },
    {
        "anchor": "msme-day-2022",
        "number": 3,
        "title": "MSME Day 2022",
        "body": html(f"""
            <p>The WTO MSME Group celebrated international MSME Day on 27 June 2022 with the
            launch of the second Small Business Champions initiative called "Helping small
            businesses transition to a sustainable economy" (see the
            <a href="{SBC_CALL_FOR_PROPOSALS}">call for proposals</a>) and a panel discussion
            with business representatives from Sustainable Finance Geneva, UPS, Sage, ADJOAA
            and Mantra Beauty. Introductory remarks were made by José Luis Cancela, Ambassador
            of Uruguay; Pamela Coke-Hamilton, Executive Director, International Trade Centre;
            John Denton, Secretary General, International Chamber of Commerce; and Ngozi
            Okonjo-Iweala, Director General, World Trade Organization. Remarks focused on the
            critical importance of addressing climate change and the need for businesses of all
            sizes to join the decarbonization effort. Studies have shown that MSMEs are willing
            to change their business practices but frequently lack knowledge of how to
            decarbonize their operations and face significant costs to change. Finding ways to
            support them in this effort, either through business innovations, trainings or
            other tools will be critical.</p>
        """),
    },
    {
        "anchor": "annual-meeting-with-the-private-sector",
        "number": 4,
        "title": "Annual meeting between the MSME Group and the private sector",
        "body": html(f"""
            <p>The MSME Group held its annual meeting with the private sector in the afternoon
            on 8 February 2022 to gather their views on issues of importance to MSME traders
            and to present the Trade4MSMEs platform. Ambassador Cancela opened the meeting with
            a presentation of the Group's work in 2021, including two separate databases on
            MSME references in Regional Trade Agreements
            (<a href="{RTA_DATABASE}">accessible here</a>) and WTO Trade Policy Reviews
            (<a href="{TPR_DATABASE}">accessible here</a>) and the ICC-ITC-WTO MSME Group
            Digital Champions for Small Business Initiative (information on the event's winners
            is <a href="{DIGITAL_CHAMPIONS_WINNERS}">accessible here</a>). The delegate of
            Mexico also gave a demonstration of the Trade4MSMEs web platform
            (<a href="{TRADE4MSMES}">trade4msmes.org</a>).</p>
            <p>Following the introduction, private sector participants took the floor. Speakers
            invited the Group to support adoption of the Model Law on Electronic Transferable
            Records (MLETR) of the United Nations Commission for International Trade Law
            (UNCITRAL) at the national level; to look into MSME cyber readiness; and to address
            the proliferation of sustainability labels and standards which create significant
            barriers for small businesses to trade.</p>
            <p>Additionally, prior to the meeting, Africa Women in Trade submitted a document to
            the Group detailing various concerns that their MSME members face when it comes to
            trading internationally, such as access to voluntary licences like FairTrade, the
            need for IP and how to obtain affordable finance. This document is available as
            <a href="{INF_MSME_P_1}">INF/MSME/P/1</a> in the WTO's documents online system.
            Other private sector participants are encouraged to provide similar information to
            the MSME Group.</p>
        """),
        "children": [
            {
                # Printed in the margin of pages 3 and 4, beside this section, which
                # mentions the Digital Champions for Small Business Initiative.
                "anchor": "digital-champions-check-in",
                "kind": "box",
                "box_style": "quote",
                "title": "Check-in with 2021 Digital Champions for Small Business winners",
                # The print breaks off after "training Digital Marketing for" at the
                # foot of page 3 and resumes with "We continue"; nothing is added.
                "body": html("""
                    <p><strong>TofaraOnline</strong></p>
                    <p>(By Tofara Chokera, CDMP and Loveness Nleya)</p>
                    <p>“The Tech-Driven Entrepreneur Program was officially launched on
                    29 January 2022. It was such an honour having Ambassador Cancela give us an
                    endorsement and support all the way from Uruguay.</p>
                    <p>The Tech-Driven Entrepreneur program equips MSMEs with the digital
                    marketing skills required to</p>
                    <ul>
                    <li>a) be resilient in times of economic transition or crisis.</li>
                    <li>b) plan and implement a successful digital marketing strategy.</li>
                    <li>c) remain viable by adopting digital marketing.</li>
                    <li>d) create international trade opportunities.</li>
                    </ul>
                    <p>So far we have trained more than 80 students online from Botswana,
                    Nigeria, South Africa, Zambia, and Zimbabwe and have held two physical
                    workshops on Digital Content Creation, Content Management and Customer
                    Experience. On 3 May 2022 we embarked on another journey with MSMEs in
                    Zimbabwe and Zambia where we are training Digital Marketing for</p>
                    <p>We continue to be innovative about the delivery of our training as we
                    work on financing options to enable marginalised communities and training
                    conversions for the visually and hearing impaired to participate. MSMEs have
                    historically struggled to enter the digital economy, due to lack of
                    awareness, resources, or technological know-how. Our aim is to bring more
                    MSMEs into the digital economy to help them grow, trade, and become
                    resilient.”</p>
                """),
            },
        ],
    },
    {
        "anchor": "research-note-series",
        "number": 5,
        "title": (
            "New research note series on small business’ participation in international trade"
        ),
        "body": html(f"""
            <p>The WTO Secretariat launched a new series of research notes to explore issues
            related to small business participation in international trade. The first three
            notes were released on MSME Day. Two of the notes, titled
            "<a href="{RESEARCH_NOTE_1}">Recent Evolution of Developed-Economy MSME
            Participation in International Trade</a>" and
            "<a href="{RESEARCH_NOTE_2}">Small and Medium Manufacturing Enterprise Trade
            Participation in Developing Economies</a>", update MSME trade information from
            section B of the WTO's <a href="{WORLD_TRADE_REPORT_2016}">2016 World Trade Report
            on Levelling the Trading Field for SMEs</a>. In the first report, MSMEs are found
            to have gained in importance in terms of both their total share of export and
            import values in the OECD economies examined, although they continue to participate
            relatively less in international trade than large firms, accounting for only
            36 per cent of exports and 41 per cent of imports. In the second report,
            manufacturing MSMEs in developing economies are found to continue to have
            relatively low shares of exports as part of total sales and overall low
            participation in global value chains. The third research note, titled
            <a href="{RESEARCH_NOTE_3}">Small Business and Climate Change</a>, uses survey data
            from Meta's Facebook users to investigate how small businesses in different regions
            feel about climate change, with findings disaggregated by gender. Overall,
            businesses are aware of the climate crisis and the need for action, however
            responses clearly indicate that more information on policy requirements and access
            to tools or finance are needed for MSMEs to accomplish the transition.</p>
        """),
    },
    {
        "anchor": "presentations-to-the-group",
        "number": 6,
        "title": "Presentations to the MSME Informal Working Group",
        "body": html(f"""
            <p>Since the start of 2022 the MSME Group received a number of presentations from
            international organizations and business support organizations on topics ranging
            from cyber readiness to sustainable trade. Below are summaries of these various
            presentations, which are now also accessible on the
            <a href="{MSME_GROUP_PAGE}">WTO MSME Group web page</a>.</p>
        """),
        "children": [
            {
                "anchor": "born-green-via-digital-toolkit",
                "title": (
                    "Born Green Via Digital Toolkit Developed Under the G20 Italian Presidency"
                ),
                # The printed figure beside this summary is kept with it, as lists.
                "body": html("""
                    <p>On behalf of G20 Italian Presidency, UNCTAD presented the "Non-Binding
                    Policy Toolkit on Promoting Born Green via Digital MSMEs and
                    Entrepreneurship in Global Supply Chains", which was developed in
                    collaboration with the ITC, OECD, World Bank and WTO. The green and digital
                    economies are two entry points for MSMEs and are tied-in with the G20
                    priorities of people, planet and prosperity. Recognizing new challenges that
                    MSMEs face accessing green finance, digital technologies, online
                    marketplaces, compliance with green regulations and access to new knowledge
                    and skills, a toolkit with a framework of five elements was developed. These
                    elements include enhancing entrepreneurship education and skills;
                    facilitating technology exchanges and innovation; improving access to
                    finance; promoting partnerships and linkages; and optimizing the regulatory
                    environment. It is hoped that this toolkit can inform further discussions
                    and exchanges of best practices, provide a reference for those looking to
                    support MSMEs in the green and digital economies, and can inform policy
                    support and technical assistance.</p>
                    <p><strong>A born green via digital policy toolkit: Framework and key
                    elements</strong></p>
                    <ul>
                    <li>Enhancing entrepreneurship education and skills</li>
                    <li>Facilitating technology exchanges and innovation</li>
                    <li>Improving access to finance</li>
                    <li>Promoting partnerships and linkages</li>
                    <li>Optimizing the regulatory environment</li>
                    </ul>
                    <p>Born-green via digital:</p>
                    <ul>
                    <li>Green startups and entrepreneurs</li>
                    <li>Green transition of existing MSMEs</li>
                    </ul>
                """),
            },
            {
                "anchor": "gleif",
                "title": "Global Legal Entity Identifier Foundation (GLEIF)",
                "body": html("""
                    <p>The GLEIF joined the Group again to present the Legal Entity Identifier
                    (LEI), a life-long code owned by the respective legal entity. The GLEIF
                    highlighted the benefits of the LEI through supporting presentations by four
                    financial institutions and businesses with a case study from Zimbabwe.
                    First, Yann Desclercs, Managing Director of Cornerstone Advisory Plus, a west
                    African financial compliance firm, explained the importance of the LEI,
                    especially for African financial institutions. The LEI can help financial
                    institutions to increase their compliance standards, thereby reducing their
                    exposure to "de-risking" when the international financial community
                    offloads certain institutions because they assume they will require
                    excessive due diligence. Next, Munyaradzi Kamhozo and Erasmus Bhunu from the
                    NMB Bank in Zimbabwe, reported that the LEI can significantly reduce the time
                    to validate the identity of MSMEs and can decrease the cost of doing
                    business for traders who are especially exposed. Finally, Second Muguyo from
                    Copperwares, a Zimbabwe copper and silver goods manufacturer, explained how
                    the LEI would make finance more accessible to small businesses like
                    Copperwares, assuring their business sustainability.</p>
                """),
            },
            {
                "anchor": "global-cyber-alliance",
                "title": "Global Cyber Alliance (GCA)",
                "body": html(f"""
                    <p>A presentation was received from the Global Cyber Alliance (GCA)
                    concerning their approach to cyber readiness for MSMEs and their
                    <a href="{GCA_TOOLKIT}">free-to-use toolkit of MSME resources</a> they have
                    developed. Overall, the GCA is focused on building a secure and trustworthy
                    internet including by building a domain trust community for information
                    sharing and best practices. Tools that the GCA has developed for MSMEs
                    include six guided steps for better MSME cyber security, skills assessments
                    and video trainings. These steps include knowing what a business has
                    already; applying relevant updates, such as for software; using strong
                    passwords; ensuring systems are backed up and recoverable; and finally,
                    protecting email. The Toolkit itself is accessible via an
                    <a href="{GCA_TOOLKIT_SITE}">interactive website</a> with a menu bar, guided
                    popups, video introductions and handbooks on the relevant topics. Besides a
                    toolkit for business, the GCA also offers cybersecurity toolkits for other
                    potential users including mission-based organizations and financial
                    institutions.</p>
                """),
            },
            {
                "anchor": "itc-greentocompete",
                "title": "ITC GreenToCompete",
                "body": html(f"""
                    <p>The ITC reported to the MSME Group on their GreenToCompete initiative to
                    build MSME capacity and strengthen their resilience in green markets.
                    Recognizing the competitive forces in trade that are affecting businesses,
                    both negative from value chain risks due to climate hazards and
                    environmental externalities created by business including emissions and
                    waste as well as positive forces like new environmental business
                    opportunities, the ITC looked for ways to activate green trade focusing on
                    circularity, climate resilience and the bioeconomy. Through new
                    GreenToCompete Hubs (<a href="{GREENTOCOMPETE_HUBS}">available here</a>),
                    access to green finance via a mapping of national sources, platforms for
                    dialogue and thought leadership, the ITC hopes to help set the policy agenda
                    and support MSMEs to drive green change. As part of the initiative, the ITC
                    has developed a toolkit on the circular economy, coaching programmes or
                    MSMEs, and are in the process of developing a platform where MSMEs can do an
                    environmental assessment of their business.</p>
                """),
            },
            {
                "anchor": "apec-boracay-action-agenda",
                "title": "Philippines Presentation on the APEC Boracay Action Agenda",
                "body": html(f"""
                    <p>The Philippines updated the Group on the APEC Boracay Action Agenda (BAA)
                    as well as the outcomes of the 2021 Global MSME Forum on Greening SME
                    Finance. The Boracay Action Agenda was initiated in 2015 and has five main
                    priorities, namely trade facilitation, access to finance, the digital
                    economy, capacity building, and support for women-owned MSMEs. A
                    <a href="{APEC_BAA_STUDY}">recent study</a> found that initiatives of the BAA
                    focused on women, the digital economy and capacity building and included the
                    creation of an APEC MSME Marketplace; APEC Trade Repository; APEC Authorized
                    Economic Operator Compendium; APEC Strategy for Green, Sustainable and
                    Innovative MSMEs; and La Serena Roadmap for Women and Inclusive Growth. A
                    number of issues were also identified that still need addressing, including
                    a strong need for MSME e-learning and skill certification programmes,
                    increasing MSME access to finance, and establishing a common standard for
                    intellectual property evaluation in APEC economies. The BAA also found a
                    need for promoting green and SMART MSMEs as enterprises of the future.</p>
                    <p>The Philippines noted its desire to collaborate with WTO Members in common
                    priority areas of cooperation for MSMEs from the BAA including on
                    transparency and information sharing; trade facilitation and e-commerce;
                    participation in regulatory development; gender equality and women's
                    economic empowerment; aid-for-trade and technical assistance and capacity
                    building; and access to finance.</p>
                """),
            },
            {
                "anchor": "unctad-isar",
                "title": (
                    "UNCTAD – Intergovernmental Group of Experts on International Standards of "
                    "Accounting and Reporting (ISAR)"
                ),
                "body": html("""
                    <p>UNCTAD also presented on the Intergovernmental Group of Experts on
                    International Standards of Accounting and Reporting (ISAR). Created by
                    ECOSOC and housed at UNCTAD, ISAR seeks to generate consensus building,
                    provide policy guidance, and give technical assistance on financial and
                    sustainability reporting. ISAR also looks to support enterprise reporting for
                    assessing the private sector contribution to implementation of the SDGs. Key
                    areas of focus also include MSME accounting and reporting. Currently, ISAR is
                    in the pilot phase of developing an e-accounting platform for MSMEs. It has
                    also developed guidance on core SDG indicators and a training manual on
                    accounting for MSMEs. Improving MSME reporting and accounting capacity can
                    help these businesses improve their credit worthiness and access to
                    finance.</p>
                """),
            },
        ],
    },
    {
        "anchor": "stdf-good-regulatory-practices",
        "number": 7,
        "title": (
            "Good regulatory practices report from the Standards and Trade Development "
            "Facility (STDF)"
        ),
        "body": html(f"""
            <p>Sanitary and phytosanitary (SPS) measures are critical for the international
            trade of food – they ensure these products' safety for consumers and prevent the
            spread of disease and pests. However, SPS measures can vary widely by country and
            can pose significant challenges to comply with, especially for small businesses
            that may be less familiar with the requirements and may have less resources to
            devote to understanding the regulations.</p>
            <p>In November 2021, the STDF published a new guide for policymakers in developing
            economies to support good regulatory practices (GRP) in the context of SPS
            measures, including greater transparency and reviewing legislative changes through
            a small business lens (<a href="{STDF_GRP_GUIDE}">STDF_GRP_Guide_EN.pdf
            (standardsfacility.org)</a>). The guide offers practical information and encourages
            public and private sector stakeholder engagement. It also aims to improve
            compliance, reduce administrative costs and increase trust in new SPS regulations
            by understanding MSME needs, identifying challenges, and tailoring regulatory
            interventions for MSMEs. Beyond the report, more information on the STDF's work on
            GRPs is available at <a href="{STDF_GRP_PAGE}">Good Regulatory Practice | Standards
            and Trade Development Facility (standardsfacility.org)</a>, including a separate
            study on an online survey of the use of GRPs from 2017.</p>
        """),
        "children": [
            {
                "anchor": "about-the-stdf",
                "kind": "box",
                # The box is printed without a heading; this one is added.
                "title": "About the STDF",
                "body": html("""
                    <p>The Standards and Trade Development Facility (STDF) grew out of a joint
                    communiqué among five international organization partners in 2001: the Food
                    and Agriculture Organization of the United Nations (FAO), the World
                    Organisation for Animal Health (OIE), the World Bank Group, the World Health
                    Organization (WHO) and the World Trade Organization (WTO). Since its
                    founding, a host of other donors and organizations have joined the facility
                    to promote SPS improvements in developing economies by financing innovative
                    pilot projects and issuing related research.</p>
                """),
            },
        ],
    },
    {
        "anchor": "msme-voices",
        "number": 8,
        "title": "MSME Voices",
        "body": html(f"""
            <p>The WTO Informal Working Group on MSMEs believes that direct interaction with
            MSMEs and organizations focused on MSME support will enrich discussions and help the
            Group identify issues that deserve consideration at the WTO. After a hiatus during
            the Group’s MC12 preparations, we have returned to interviewing MSME experts or
            groups who have participated in our meetings and workshops.</p>
            <p>People who are interested in being featured are welcome to
            <a href="{ERSD_EMAIL}">contact us</a>.</p>
        """),
        "children": [
            {
                "anchor": "interview-gill-thomas",
                "kind": "interview",
                "title": "Gill Thomas, Global Cyber Alliance (GCA)",
                "interviewee_name": "Gill Thomas",
                "interviewee_organization": "Global Cyber Alliance (GCA)",
                "interviewee_bio": html(f"""
                    <p>Gill spent 20 years working in networks and telecommunications. She took
                    time out with her young family and returned to find digital transformation
                    fuelling opportunity, growth but an exponential rise in cyber crime. Gill
                    joined <a href="{GCA}">Global Cyber Alliance (GCA)</a> in 2019. She has a BSc
                    (Hons) in Electronic Engineering.</p>
                    <p>GCA is an international, cross sector, non-profit organisation dedicated
                    to confronting systemic cyber risks. We build programs, partnerships, and
                    tools to make the connected world safer and more secure for all.</p>
                """),
                "questions": [
                    (
                        "A few words about yourself and your interest in the MSME cause.",
                        html(f"""
                            <p>MSMEs are the lifeblood of the global economy. Often, from a
                            cybersecurity perspective, they are ill-prepared to trade online
                            because they do not have the knowledge, tools or resources needed to
                            do so safely. They risk losing everything whilst also putting their
                            customers and suppliers at risk. Adoption of globally recognised
                            cybersecurity controls and best practices will substantially reduce
                            cyber risk for all MSMEs. The <a href="{GCA_TOOLKIT}">GCA
                            Cybersecurity Toolkit for Small Business</a> provides tools for free
                            which improve cyber readiness.</p>
                        """),
                    ),
                    (
                        "What are, in your view, the top two or three challenges that MSMEs "
                        "face when it comes to cyber readiness and global markets?",
                        html("""
                            <p>Understanding MSMEs are at risk of cyber attack, the ease by which
                            cyber criminals can launch an attack and what MSMEs can do to
                            substantially reduce that risk.</p>
                            <p>In many cases cyber attacks are automated, based on devices,
                            systems and software irrespective of company size - and the majority
                            do impact MSMEs. Global markets expand the potential attack surface
                            for MSMEs. Attacks can happen, unannounced, at any time, so cyber
                            readiness is essential to trade both locally and globally
                            online.</p>
                        """),
                    ),
                    (
                        "What two or three tips would you give to MSMEs wishing to access "
                        "global markets in terms of cyber readiness?",
                        html("""
                            <ul>
                            <li>Keep a back-up copy of all important data (separate to the
                            network).</li>
                            <li>Ensure security updates (patches) are applied as soon as possible
                            (or auto-update).</li>
                            <li>Use two-factor authentication where available, do not share any
                            passwords across any accounts.</li>
                            <li>Do not transfer sensitive information over public WiFi.</li>
                            <li>Use anti-virus software and Quad9.</li>
                            <li>Keep your business network purely for business devices -
                            understand what is connected and how.</li>
                            <li>Have a plan for what you would do if your business was affected -
                            check it works.</li>
                            </ul>
                        """),
                    ),
                    (
                        "What advice would you give to national policy makers wishing to "
                        "support MSMEs' cyber readiness for participation in international "
                        "trade?",
                        html("""
                            <p>They need to encourage and incentivize larger organisations to
                            support the MSMEs in their global supply chains as part of protecting
                            the global cyber ecosystem, encouraging collaboration and information
                            sharing among organisations to reduce cyber risks.</p>
                            <p>Where government programs exist that provide resources to support
                            MSMEs, cybersecurity guidance and resources should also be
                            included.</p>
                        """),
                    ),
                    (
                        "If you had to mention one example of a successful program or "
                        "initiative to support MSMEs' cyber readiness and participation in "
                        "international trade, what would it be?",
                        html(f"""
                            <p>If I am allowed to mention two they would be the
                            <a href="{GCA_MASTERCARD_INDONESIA}">Mastercard Academy 2.0 Program
                            in Indonesia</a>, alongside Mercy Corps, utilizing the
                            <a href="{GCA_TOOLKIT}">toolkit</a> and MicroMentor online platform
                            to upskill and mentor MSMEs and also improve their cyber
                            readiness.</p>
                            <p>Under the <a href="{GCA_UK_DIGITAL_ACCESS}">UK Government Foreign
                            and Commonwealth Development Office Digital Access Programme</a>
                            improving cyber readiness for MSMEs across South Africa and Nigeria
                            through the use of the toolkit, localised resources and in-country
                            partner networks.</p>
                        """),
                    ),
                    (
                        "How, in your view, can the WTO Informal Working Group on MSMEs help "
                        "firms be more cyber ready and access international markets?",
                        html("""
                            <p>For the majority of MSMEs access to international markets is
                            dependent on the use of the Internet and online platforms. When
                            transitioning from a physical environment, where adopting simple
                            security measures and mindset can protect against intrusion and
                            loss, to an online one the same principles apply.</p>
                            <p>GCA suggests developing programs to educate MSMEs with
                            simple-to-implement, effective cybersecurity controls so MSMEs can
                            safely access global supply chains and international markets. GCA
                            would be keen to support all initiatives.</p>
                        """),
                    ),
                ],
            },
            {
                "anchor": "interview-funke-bolujoko",
                "kind": "interview",
                "title": "Dr Funke Bolujoko, RUCHIM Ltd.",
                "interviewee_name": "Dr Funke Bolujoko",
                "interviewee_organization": "RUCHIM Ltd.",
                "interviewee_bio": html("""
                    <p>RUCHIM Ltd is a research-based, multi award-winning SME in Nigeria
                    registered in 2006 and which began operation in 2008 with only one product,
                    a classic pack Refreshing Black Tea.</p>
                    <p>It now produces thirteen 100% natural health-enhancing herbal tea blends
                    under the Brand Name Master Tea.</p>
                    <p>I am Dr Funke Bolujoko, a Public Health Specialist with over 35 years’
                    experience, 22 of which were spent working with the World Health
                    Organisation at its country, regional and headquarters levels where I had
                    the privilege of supporting over 90 countries as a Public Health Advisor.
                    I now currently support RUCHIM Ltd in promoting a healthy lifestyle.</p>
                """),
                "questions": [
                    (
                        "A few words about yourself and your interest in the MSME cause.",
                        html("""
                            <p>Having been bothered as a Public Health Specialist about the
                            increasing rate of diet-related health concerns in our communities;
                            RUCHIM’s vision of having Master Tea Herbal Infusions in every home
                            to support a healthier lifestyle highly resonates with my passion of
                            population-based Health Promotion. However, many MSMEs are often
                            confronted with infrastructural deficit; high production and trade
                            costs, limited access to market and finance, etc. which limit their
                            ability to achieve their objectives.</p>
                        """),
                    ),
                    (
                        "What are, in your view, the top two or three challenges that MSMEs "
                        "face when accessing global markets?",
                        html("""
                            <p>Most MSMEs are often driven by the passion of giving back to their
                            communities through, value addition, hence they often have export
                            ambitions because they believe exporters do better, create more
                            jobs, grow faster and earn foreign exchange. However, they often
                            underestimate the complexities of the export process in terms of
                            high trade costs and lack of capital to fund export market
                            development, sustainability of partnerships at destination and
                            meeting buyers’ requirements in terms of price competitiveness and
                            mitigating their perception of risk.</p>
                        """),
                    ),
                    (
                        "What two or three tips would you give to MSMEs wishing to access "
                        "global markets?",
                        html("""
                            <p>It is extremely important for MSMEs wishing to access global
                            market to objectively examine and evaluate their export readiness in
                            terms of production capacity, product quality and packaging; the
                            company’s knowledge of the export process and the inherent risks,
                            the export costs implications and their own financial strength;
                            knowledge of partners’ and target countries' requirements and what
                            it takes to maintain sustainable market access. MSMEs must identify
                            the areas where they lack readiness and get help where required to
                            go global.</p>
                        """),
                    ),
                    (
                        "What advice would you give to national policy makers wishing to "
                        "support MSMEs' participation in international trade?",
                        html("""
                            <p>National Policy makers wishing to support MSMEs’ participation in
                            International Trade could make available capacity building that will
                            help the MSMEs evaluate their export readiness and support MSMEs to
                            be export ready through expanding MSMEs’ knowledge base on the export
                            process.</p>
                            <p>Policy makers should be intentional in creating enabling
                            environments that will tangibly increase price competitiveness of
                            MSMEs’ products such as control of logistics and other trade costs;
                            provide infrastructures that will help mitigate high production
                            costs; support production and packaging of high quality products as
                            well as facilitate market research.</p>
                        """),
                    ),
                    (
                        # Printed without a question mark.
                        "If you had to mention one example of a successful program or "
                        "initiative to support MSMEs' participation in international trade, "
                        "what would it be",
                        html("""
                            <p>I have found the ITC ‘s She Trades Programme to be a great support
                            to MSMEs’ participation in International Trade, particularly for
                            women-owned businesses. The extensive capacity building has helped
                            to increase MSMEs’ knowledge base on the export process and
                            strengthen the capacity of MSMEs to produce high quality products of
                            global standards. The She Trades Programme has also supported MSMEs
                            to participate in International Trade Fairs had has helped to expose
                            these MSMEs to global markets.</p>
                        """),
                    ),
                    (
                        "How, in your view, can the WTO Informal Working Group on MSMEs help "
                        "firms access international markets?",
                        html("""
                            <p>The WTO Informal Working Group on MSMEs can come up with agreed
                            proposals that can support the WTO to: a. Fully analyze all the
                            barriers to sustainable market access by MSMEs; b. Expand the WTO’s
                            Trade Facilitation Programme to cover many more countries and be
                            particularly MSME sensitive and friendly; c. Help harmonize and
                            streamline regulatory and sustainability standards in order to
                            increase the market share of MSMEs in the global market ; d. Promote
                            extensive capacity building to deepen the knowledge base of MSMEs on
                            the Export process and its inherent risks; e. Identify funding
                            partners in the export market who will help with market development,
                            logistics of clearing and warehousing and legal services for
                            contract and debt recovery.</p>
                        """),
                    ),
                ],
            },
            {
                "anchor": "call-for-case-studies",
                "kind": "box",
                "box_style": "highlight",
                "title": "Call for case studies on SMEs operating in supply chains",
                "body": html(f"""
                    <p>Are you a micro-, small- or medium-sized enterprise (MSME) from a
                    developing economy involved in international supply chains? Tell us your
                    story!</p>
                    <p>Case studies complement quantitative analysis and provide concrete
                    examples on ways that developing economies can take advantage of
                    opportunities to access foreign markets. This helps policymakers and trade
                    analysts better understand the reality of investment, production and trade
                    within production networks.</p>
                    <p>Your story should comprise key thematic areas such as:</p>
                    <ul>
                    <li>The history of the company and motivation to join international
                    production networks.</li>
                    <li>The key incentives and factors that facilitated your integration into
                    supply chains (government incentives, implementation of WTO agreements,
                    domains of expertise, international certifications etc.)</li>
                    <li>The company's current position in the chain, its role in domestic and
                    international production and trade as well as the benefits and results
                    obtained in terms of employment, production capacity, and operating
                    income.</li>
                    <li>Your perspective on what it takes to maintain a sustainable presence and
                    evolve or upgrade your position in supply chains.</li>
                    <li>Your values and approach vis-à-vis environmental issues and regulations
                    and climate change.</li>
                    <li>The challenges, risks and issues met with in your experience.</li>
                    </ul>
                    <p>The case studies envisaged would be short and easy to read reports
                    (including tables, graphs and schemas), jointly prepared by SME managers and
                    WTO staff.</p>
                    <p>Should you be interested in sharing your experience in supply chains,
                    please contact
                    <a href="{CASE_STUDIES_EMAIL}">kathryn.lundquist@wto.org</a> to suggest a
                    collaboration for a case study.</p>
                """),
            },
        ],
    },
    # The back page: boxes about the Group itself, not tied to any article.
    {
        "anchor": "why-an-informal-working-group",
        "kind": "box",
        "title": "Why an informal working group for MSMEs?",
        "body": html("""
            <p>The MSME Informal Working Group is a coalition of 94 WTO Members of varied levels
            of development and all regions of the world that share an interest in improving
            access to global markets for Micro, Small and Medium-Sized enterprises (MSMEs).
            Today, 95 per cent of companies across the globe are MSMEs. Although MSMEs account
            for 60 per cent of the world's total employment and comprise anywhere from 80-99 per
            cent of a country’s registered firms they remain underrepresented, and face a large
            number of obstacles when seeking to participate in international trade. When MSMEs
            successfully access international markets, they can act as a catalyst for better
            distribution of the gains from trade to all sections of the economy. The MSME
            Informal Working Group aspires to ensure that the multilateral system enables these
            economic benefits through better inclusion of MSMEs in global commerce.</p>
        """),
    },
    {
        "anchor": "road-to-buenos-aires",
        "kind": "box",
        "title": "The road to Buenos Aires 2017",
        "body": html(f"""
            <p>The Informal Working Group on MSMEs was created at the 2017 Buenos Aires
            Ministerial Conference by a Joint Statement. The road to the Buenos Aires Joint
            Statement began with a proposal by the Philippines in 2015, which identified MSMEs
            as a dynamic sector and suggested that “the General Council shall consider the most
            appropriate arrangement to facilitate discussions”.</p>
            <p>In July 2016, Brunei Darussalam, Lao PDR, Malaysia, the Philippines, Singapore and
            Thailand reported on a workshop held in June that year titled “Enhancing the
            Participation of Micro, Small and Medium Enterprises (MSMEs)” that aimed at
            enhancing awareness of the role that MSMEs have in international trade. In May 2017
            at the General Council, a group of 47 Members (counting EU member states
            individually) effectively launched an Informal Dialogue on MSMEs chaired by H.E. Mr
            Héctor Casanueva of Chile.</p>
            <p>In June 2017, Argentina, Brazil, Paraguay and Uruguay submitted a proposal for the
            development of a work programme that would cover areas such as information and
            transparency, trade facilitation, e-commerce and trade finance. Several workshops
            were organized in the run-up to MC11 to emphasize to Members the importance of
            having a specific forum to discuss MSMEs at the WTO, including a workshop on
            regional and national experiences in October 2017.</p>
            <p>A draft ministerial declaration was circulated prior to MC11
            (<a href="{MC11_DRAFT_DECLARATION}">click here</a>).</p>
        """),
    },
    {
        "anchor": "coordinator-quote",
        "kind": "box",
        "box_style": "quote",
        # The quote is printed without a heading; this one is added.
        "title": "From the Coordinator",
        "body": html("""
            <p>“MSMEs are fundamental to our economies – a win-win for everybody - and
            employment, and we are working to develop the potential of MSMEs in international
            trade”- H.E. Mr José Luis Cancela of Uruguay, Coordinator of the Group</p>
        """),
    },
    {
        "anchor": "what-is-the-group",
        "kind": "box",
        "title": "What is the MSME Informal Working Group?",
        # The coordinator, the previous chair and the membership list are the
        # register's data, shown by the listing after this text. The subscription
        # line, printed after the list, therefore comes before it here.
        "listing": "members",
        "body": html(f"""
            <p>In their 2017 Joint Statement establishing the Group, Members committed to
            discuss and identify “horizontal and non-discriminatory solutions” to improve the
            participation of MSMEs in international trade. The Group seeks to develop solutions
            that would apply to all companies (but would benefit MSMEs the most) while taking
            into account the specific needs of developing countries. Members of the Group
            exchange information on a voluntarily basis, which benefit both MSMEs and
            policymakers.</p>
            <p>You can subscribe to this Newsletter by sending an email to
            <a href="{ERSD_EMAIL}">email-ersd@wto.org</a>.</p>
        """),
    },
    {
        "anchor": "welcome-macao-china-and-tajikistan",
        "kind": "box",
        "box_style": "highlight",
        "title": "Welcome to Macao, China and Tajikistan!",
        "body": html("""
            <p>Macao, China and Tajikistan became the most recent MSME Group members in
            December 2021 and May 2022.</p>
        """),
    },
]
