"""An issue lists the members, their count and the officers as they were on
its publication date, on the web page and in the email; the register pages
show them as they are today."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from network.models import GroupOfficer, MemberEconomy, OfficerRole
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue, IssueStatus
from newsletters.models.issues import Listing
from tests.factories import make_economy, make_issue, make_officer, make_section

pytestmark = pytest.mark.django_db

# Summer 2022 came out on 1 July 2022, Geneva time.
AFTER_THE_ISSUE = date(2022, 7, 2)
OFFICER_ROLES = ("Coordinator: ", "Chair: ", "Friend of the Chair: ")


@pytest.fixture
def summer_2022():
    call_command("load_demo")
    return Issue.objects.get(slug="summer-2022")


def web_page(client, issue):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def web_members(page):
    """The names in the issue's list of members (other sections may name
    an economy too: Summer 2022 welcomes Tajikistan in an article)."""
    listing = page.split('class="listing listing--members"')[1].split("</ul>")[0]
    return [unescape(name) for name in re.findall(r"<li>(.*?)</li>", listing)]


def email_parts(issue):
    """The email's HTML and text, rendered as the send renders them."""
    rendered = IssueEmail.for_issue(issue).rendered()
    return "".join(rendered.html_parts), "".join(rendered.text_parts)


def email_members(issue):
    """The names in the members list of the email's HTML and of its text."""
    html, text = email_parts(issue)
    # The paragraph that lists them, names between middle dots.
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", html, flags=re.DOTALL)
    listed = max(paragraphs, key=lambda paragraph: paragraph.count(" · "))
    # Long lines of both parts are folded for mail clients.
    html_names = [unescape(name) for name in " ".join(listed.split()).split(" · ")]
    after_size = re.split(r"The Group has \d+ WTO Members\.\n", text)[1].split("\n\n")[0]
    lines = [line for line in after_size.splitlines() if not line.startswith(OFFICER_ROLES)]
    text_names = " ".join(lines).split(" · ")
    return html_names, text_names


def register_page(client):
    response = client.get(reverse("network:member_list"))
    assert response.status_code == 200
    return response.content.decode()


def all_members_section(page):
    return page.split('id="members-title"')[1].split("</section>")[0]


def test_a_member_and_a_chair_added_since_leave_summer_2022_as_it_was(client, summer_2022):
    page_before = web_page(client, summer_2022)
    email_before = email_parts(summer_2022)
    assert "The Group has 94 WTO Members." in page_before
    assert "The Group has 95 WTO Members." not in register_page(client)

    newcomer = make_economy(name="Republic of Newland", joined_on=AFTER_THE_ISSUE)
    make_officer(
        name="H.E. Ms Newly Appointed",
        role=OfficerRole.CHAIR,
        economy=newcomer,
        term_start=AFTER_THE_ISSUE,
    )

    page_after = web_page(client, summer_2022)
    assert page_after == page_before
    assert email_parts(summer_2022) == email_before
    html, text = email_before
    assert "The Group has 94 WTO Members." in html and "The Group has 94 WTO Members." in text
    for part in (page_after, html, text):
        assert "Newland" not in part and "Newly Appointed" not in part

    register = register_page(client)
    assert "The Group has 95 WTO Members." in register
    assert "Republic of Newland" in all_members_section(register)
    officers = register.split('class="officers"')[1].split("</dl>")[0]
    assert "H.E. Ms Newly Appointed, Republic of Newland" in officers
    assert "H.E. Mr José Luis Cancela, Uruguay" in officers


def test_an_economy_that_left_in_2023_stays_in_the_2022_issue_and_is_former_today(
    client, summer_2022
):
    mongolia = MemberEconomy.objects.get(name="Mongolia")
    mongolia.left_on = date(2023, 3, 15)
    mongolia.save()

    page = web_page(client, summer_2022)
    assert "Mongolia" in web_members(page)
    assert "The Group has 94 WTO Members." in page
    html_names, text_names = email_members(summer_2022)
    assert "Mongolia" in html_names and "Mongolia" in text_names
    assert len(html_names) == len(text_names) == 68

    register = register_page(client)
    assert "Mongolia" not in all_members_section(register)
    assert "The Group has 93 WTO Members." in register
    former = register.split('id="former-title"')[1].split("</section>")[0]
    assert "Mongolia" in former and "left 15 March 2023" in former


def test_correcting_a_joining_date_to_after_the_issue_removes_the_economy(client, summer_2022):
    assert "Tajikistan" in web_members(web_page(client, summer_2022))

    tajikistan = MemberEconomy.objects.get(name="Tajikistan")
    tajikistan.joined_on = date(2022, 9, 1)
    tajikistan.save()

    page = web_page(client, summer_2022)
    assert "Tajikistan" not in web_members(page)
    assert "The Group has 93 WTO Members." in page
    html_names, text_names = email_members(summer_2022)
    assert "Tajikistan" not in html_names and "Tajikistan" not in text_names
    assert len(html_names) == len(text_names) == 67
    # Still a member today, from its corrected date.
    assert "Tajikistan" in all_members_section(register_page(client))


def test_a_member_joining_on_the_issues_day_is_in_it(client, summer_2022):
    make_economy(name="Republic of Sameday", joined_on=date(2022, 7, 1))
    page = web_page(client, summer_2022)
    assert "Republic of Sameday" in web_members(page)
    assert "The Group has 95 WTO Members." in page


def test_an_officer_whose_term_ended_after_the_issue_is_in_office_in_it(client, summer_2022):
    cancela = GroupOfficer.objects.get(role=OfficerRole.COORDINATOR)
    cancela.term_end = date(2024, 12, 31)
    cancela.save()
    make_officer(
        name="H.E. Ms Successor",
        economy=cancela.economy,
        term_start=date(2025, 1, 1),
    )

    page = web_page(client, summer_2022)
    officers = page.split('class="officers"')[1].split("</dl>")[0]
    assert "<dt>Coordinator</dt>" in officers
    assert "H.E. Mr José Luis Cancela, Uruguay" in officers
    assert "Previous coordinator" not in officers and "Successor" not in officers
    _, text = email_parts(summer_2022)
    assert "Coordinator: H.E. Mr José Luis Cancela, Uruguay" in text

    register = register_page(client).split('class="officers"')[1].split("</dl>")[0]
    assert register.index("H.E. Ms Successor") < register.index("Previous coordinator")
    assert register.index("Previous coordinator") < register.index("José Luis Cancela")


def test_a_draft_lists_the_members_of_today(editor_client):
    issue = make_issue(status=IssueStatus.DRAFT)
    make_section(issue, title="Members", listing=Listing.MEMBERS)
    yesterday = timezone.localdate() - timedelta(days=1)
    make_economy(name="Joined yesterday", joined_on=yesterday)
    make_economy(name="Left yesterday", joined_on=date(2019, 1, 1), left_on=yesterday)
    make_economy(name="Joins tomorrow", joined_on=timezone.localdate() + timedelta(days=1))

    response = editor_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))
    assert response.status_code == 200
    assert web_members(response.content.decode()) == ["Joined yesterday"]


def test_the_members_listing_costs_two_queries_whatever_the_register_holds(
    client, empty_page_cache, django_assert_num_queries
):
    issue = make_issue(published_at=timezone.now() - timedelta(days=400))
    make_section(issue, listing=Listing.MEMBERS)
    issued = timezone.localdate(issue.published_at)
    economy = make_economy(name="Founding member")
    for n in range(20):
        make_economy(joined_on=issued - timedelta(days=n))
        make_economy(joined_on=issued + timedelta(days=n + 1))
        make_economy(left_on=issued - timedelta(days=n))
        make_officer(
            economy=economy, term_start=issued - timedelta(days=10 * n + 10), term_end=issued
        )
        make_officer(economy=economy, term_start=issued + timedelta(days=n + 1))
    empty_page_cache()

    # The stored page looked up; the issue with its neighbours, sections,
    # questions, links, its PDF edition; the members as of the issue's date
    # and its officers; the page stored.
    with django_assert_num_queries(1 + 7 + 1):
        page = web_page(client, issue)
    assert len(web_members(page)) == 21  # with the founding member
    assert page.count("<dt>Coordinator</dt>") == 20
