"""Staff work on subscribers: the list, CSV export and import, resending the
confirmation email, erasure, and who may do it."""

import csv
import html
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from msme_portal.plain_text import clean_text
from network.models import MemberEconomy
from newsletters.models import ConsentSource, ErasureRecord, Subscriber, SubscriberStatus

CHANGELIST_URL = "/admin/newsletters/subscriber/"
EXPORT_URL = "/admin/newsletters/subscriber/export/"
IMPORT_URL = "/admin/newsletters/subscriber/import/"


def staff_with(django_user_model, client, *codenames):
    user = django_user_model.objects.create_user(
        username="clerk", password="not-a-real-password-1", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames)
    )
    client.force_login(user)
    return client


def exported_rows(response):
    assert response.streaming
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


# The list


@pytest.mark.django_db
def test_changelist_shows_counts_per_status_in_fixed_queries(staff_client, make_subscriber):
    economy = MemberEconomy.objects.create(name="Peru", sort_name="Peru")
    for _n in range(3):
        make_subscriber(economy=economy)
    make_subscriber(status=SubscriberStatus.CONFIRMED)
    make_subscriber(status=SubscriberStatus.UNSUBSCRIBED)
    ErasureRecord.add(4)
    staff_client.get(CHANGELIST_URL)  # Warm the session and permission caches.

    with CaptureQueriesContext(connection) as few:
        staff_client.get(CHANGELIST_URL)
    for _n in range(10):
        make_subscriber(economy=economy)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>Waiting for confirmation:</strong> 13" in content
    assert "<strong>Confirmed:</strong> 1" in content
    assert "<strong>Unsubscribed:</strong> 1" in content
    assert "<strong>Erased:</strong> 4" in content
    assert "Peru" in content
    assert f'href="{EXPORT_URL}"' in content
    assert f'href="{IMPORT_URL}"' in content
    assert len(many) == len(few)


# Export


@pytest.mark.django_db
def test_export_streams_every_subscriber_as_csv(staff_client, make_subscriber):
    economy = MemberEconomy.objects.create(name="Kenya", sort_name="Kenya")
    make_subscriber(email="one@example.org", name="One", economy=economy, language="fr")
    make_subscriber(
        email="two@example.org",
        name="Two",
        economy_other="Atlantis",
        status=SubscriberStatus.CONFIRMED,
    )

    response = staff_client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
    header, *rows = exported_rows(response)
    assert header[:7] == [
        "email",
        "name",
        "organization",
        "economy",
        "other_economy",
        "language",
        "status",
    ]
    assert [row[:7] for row in rows] == [
        ["one@example.org", "One", "", "Kenya", "", "fr", "pending"],
        ["two@example.org", "Two", "", "", "Atlantis", "en", "confirmed"],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_export_defuses_spreadsheet_formulas(staff_client, make_subscriber, dangerous):
    make_subscriber(name=dangerous, organization="Plain Org")

    [_header, row] = exported_rows(staff_client.get(EXPORT_URL))

    assert row[1] == "'" + dangerous
    assert row[2] == "Plain Org"


FORMULA_PAYLOADS = [
    "=1+1",
    "Org;=1+1",
    "Org,+1",
    "a|@SUM(1)",
    "-2+3",
    "\t=1",
    "Org; =1+1",
    'Org;"=1+1',
    "Org\t@SUM(1)",
    "Org\r\n=1",
    "'=1+1",
    "'s-Hertogenbosch",
    "Plain, Org",
]
FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def subscribers_with_formulas(make_subscriber):
    """A subscriber per payload, in name, organization and other economy.
    Written with SQL, as rows from before the text fields were cleaned (a
    tab or a line break no longer reaches a name through the ORM)."""
    subscribers = []
    for number, payload in enumerate(FORMULA_PAYLOADS):
        subscriber = make_subscriber(email=f"person{number}@example.org")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Subscriber._meta.db_table} "
                "SET name = %s, organization = %s, economy_other = %s WHERE id = %s",
                [payload, payload, payload, subscriber.pk],
            )
        subscribers.append(subscriber)
    return subscribers


def exported_text(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_no_exported_cell_is_a_formula_whatever_the_separator(
    client, django_user_model, subscribers_with_formulas, delimiter
):
    publisher = staff_with(django_user_model, client, "view_subscriber")
    text = exported_text(publisher)
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
    assert len(cells) > len(FORMULA_PAYLOADS)
    for cell in cells:
        assert not cell.startswith(FORMULA_CHARACTERS), cell
        # Some spreadsheets skip leading spaces and quotes.
        assert not cell.lstrip(' "').startswith(FORMULA_CHARACTERS), cell


@pytest.mark.django_db
def test_an_export_imported_again_gives_back_the_same_data(
    client, django_user_model, subscribers_with_formulas
):
    Subscriber.objects.filter(pk=subscribers_with_formulas[0].pk).update(
        economy=MemberEconomy.objects.create(name="Kenya", sort_name="Kenya"), economy_other=""
    )
    columns = ["email", "name", "organization", "economy__name", "economy_other", "language"]
    before = sorted(Subscriber.objects.values_list(*columns))
    clerk = staff_with(django_user_model, client, "view_subscriber", "add_subscriber")
    text = exported_text(clerk)
    Subscriber.objects.all().delete()

    response = clerk.post(IMPORT_URL, {"file": upload(text), "prior_consent": "on"})

    assert response.status_code == 302, response.context["report"].problems
    after = sorted(Subscriber.objects.values_list(*columns))
    # What the ORM stores now is cleaned of tabs and line breaks (single-line
    # fields); everything else comes back as it was.
    assert after == [
        tuple(clean_text(value, multi_line=False) if value else value for value in row)
        for row in before
    ]
    assert len(after) == len(FORMULA_PAYLOADS)
    assert ("person1@example.org", "Org;=1+1", "Org;=1+1") in [row[:3] for row in after]


@pytest.mark.django_db
def test_export_follows_the_lists_filters_and_search(staff_client, make_subscriber):
    make_subscriber(email="ana@example.org", status=SubscriberStatus.CONFIRMED)
    make_subscriber(email="ben@example.org", status=SubscriberStatus.CONFIRMED)
    make_subscriber(email="cleo@example.org")

    changelist = staff_client.get(CHANGELIST_URL + "?status__exact=confirmed")
    assert EXPORT_URL + "?status__exact=confirmed" in changelist.content.decode()

    confirmed = exported_rows(staff_client.get(EXPORT_URL + "?status__exact=confirmed"))
    assert sorted(row[0] for row in confirmed[1:]) == ["ana@example.org", "ben@example.org"]
    searched = exported_rows(staff_client.get(EXPORT_URL + "?status__exact=confirmed&q=ben"))
    assert [row[0] for row in searched[1:]] == ["ben@example.org"]
    assert len(exported_rows(staff_client.get(EXPORT_URL))) == 4


@pytest.mark.django_db
def test_export_with_broken_filters_says_so(staff_client, make_subscriber):
    make_subscriber()

    response = staff_client.get(EXPORT_URL + "?created_at__gte=not-a-date", follow=True)

    assert response.status_code == 200
    assert "nothing was exported" in response.content.decode()


@pytest.mark.django_db
def test_export_needs_the_view_permission(client, django_user_model, make_subscriber):
    make_subscriber()
    viewer = staff_with(django_user_model, client)
    assert viewer.get(EXPORT_URL).status_code == 403

    viewer.user = django_user_model.objects.get(username="clerk")
    viewer.user.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsletters", codename="view_subscriber")
    )
    response = viewer.get(EXPORT_URL)
    assert response.status_code == 200
    assert len(exported_rows(response)) == 2


@pytest.mark.django_db
def test_export_needs_staff(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Import


def upload(text, name="subscribers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
def test_import_creates_pending_subscribers_without_email_and_reports_bad_rows(
    staff_client, make_subscriber
):
    MemberEconomy.objects.create(name="Chile", sort_name="Chile")
    make_subscriber(email="known@example.org")
    csv_text = (
        "Email,Name,Organization,Economy,Language\n"
        "ana@Example.org,Ana,Firm A,chile,es\n"  # 2: fine, economy matched by name
        "not-an-address,Bad,,,en\n"  # 3
        "ANA@example.org,Twice,,,en\n"  # 4: duplicate in the file
        "bob@example.org,Bob,,Atlantis,de\n"  # 5: unknown language
        "known@example.org,Known,,,en\n"  # 6: already on the list
        "a@example.org; b@example.org,Two,,,en\n"  # 7: two addresses
        "carla@example.org,Carla,,Atlantis,\n"  # 8: fine, other economy, default language
    )

    response = staff_client.post(IMPORT_URL, {"file": upload(csv_text)})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.created == 2
    assert [line for line, _message in report.problems] == [3, 4, 5, 6, 7]
    content = response.content.decode()
    assert "already on the list" in content
    assert "appears twice" in content
    assert "unknown language" in content
    ana = Subscriber.objects.get(email="ana@example.org")
    assert (ana.economy.name, ana.language, ana.status) == ("Chile", "es", "pending")
    assert ana.consent_source == ConsentSource.IMPORT
    assert ana.consent_given_at is None
    carla = Subscriber.objects.get(email="carla@example.org")
    assert (carla.economy, carla.economy_other, carla.language) == (None, "Atlantis", "en")
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_with_prior_consent_subscribes_at_once(staff_client):
    response = staff_client.post(
        IMPORT_URL,
        {"file": upload("email,name\nana@example.org,Ana\n"), "prior_consent": "on"},
    )

    assert response.status_code == 302
    ana = Subscriber.objects.get()
    assert ana.status == SubscriberStatus.CONFIRMED
    assert ana.consent_source == ConsentSource.IMPORT
    assert ana.consent_given_at is not None
    assert ana.confirmed_at is not None
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"name\nAna\n", 'no "email" column'),
        ("email\nana@example.org\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_import_refuses_unusable_files(staff_client, content, problem):
    response = staff_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("x.csv", content, content_type="text/csv")}
    )

    assert response.status_code == 200
    assert problem in html.unescape(response.content.decode())
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_import_needs_the_add_permission(client, django_user_model):
    clerk = staff_with(django_user_model, client, "view_subscriber", "change_subscriber")

    assert clerk.get(IMPORT_URL).status_code == 403
    assert clerk.post(IMPORT_URL, {"file": upload("email\na@example.org\n")}).status_code == 403
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_imported_people_confirm_and_give_consent_through_a_resent_link(
    staff_client, client, settings
):
    staff_client.post(IMPORT_URL, {"file": upload("email\nana@example.org\n")})
    ana = Subscriber.objects.get()

    staff_client.post(
        CHANGELIST_URL, {"action": "resend_confirmation", "_selected_action": [ana.pk]}
    )

    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/subscribe/confirm/" in word)
    client.post(link.removeprefix(settings.SITE_URL))
    ana.refresh_from_db()
    assert ana.status == SubscriberStatus.CONFIRMED
    assert ana.consent_given_at is not None
    # Following the link, they were shown the privacy statement and agreed to it.
    assert ana.privacy_statement_version == "2026-11"
    assert ana.consent_wording.version == "2026-11"


# Editing and actions


@pytest.mark.django_db
def test_staff_edits_refuse_addresses_the_public_form_refuses(staff_client, make_subscriber):
    subscriber = make_subscriber(email="ana@example.org")

    response = staff_client.post(
        f"/admin/newsletters/subscriber/{subscriber.pk}/change/",
        {"email": "ana@exämple.org", "language": "en"},
    )

    assert response.status_code == 200
    assert "We cannot deliver to addresses with non-Latin" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.email == "ana@example.org"


@pytest.mark.django_db
def test_staff_can_unsubscribe_people_who_asked_by_email(staff_client, make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)

    staff_client.post(
        CHANGELIST_URL, {"action": "mark_unsubscribed", "_selected_action": [subscriber.pk]}
    )

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


@pytest.mark.django_db
def test_resend_confirmation_goes_to_pending_subscribers_only(staff_client, make_subscriber):
    pending = make_subscriber()
    confirmed = make_subscriber(status=SubscriberStatus.CONFIRMED)

    response = staff_client.post(
        CHANGELIST_URL,
        {"action": "resend_confirmation", "_selected_action": [pending.pk, confirmed.pk]},
        follow=True,
    )

    assert [message.to for message in mail.outbox] == [[pending.email]]
    content = response.content.decode()
    assert "Sent a confirmation email to 1 subscriber." in content
    assert "Skipped 1 subscriber who is not waiting for confirmation." in content
    pending.refresh_from_db()
    assert pending.confirmation_sent_at is not None


@pytest.mark.django_db
def test_erasure_deletes_the_people_and_keeps_only_the_count(staff_client, make_subscriber):
    erased = [make_subscriber(name=f"Erase Me {n}") for n in range(3)]
    kept = make_subscriber(name="Keep Me")
    selected = [subscriber.pk for subscriber in erased]

    confirmation = staff_client.post(
        CHANGELIST_URL, {"action": "delete_selected", "_selected_action": selected}
    )
    assert confirmation.status_code == 200
    assert b"Are you sure" in confirmation.content
    assert Subscriber.objects.count() == 4

    response = staff_client.post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
    )

    assert list(Subscriber.objects.all()) == [kept]
    assert ErasureRecord.total() == 3
    assert "Erased the personal data of 3 subscribers." in response.content.decode()
    record = ErasureRecord.objects.get()
    assert {field.name for field in ErasureRecord._meta.fields} == {"id", "date", "count"}
    assert record.count == 3

    # Deleting one from its own page counts as well.
    staff_client.post(f"/admin/newsletters/subscriber/{kept.pk}/delete/", {"post": "yes"})
    assert not Subscriber.objects.exists()
    assert ErasureRecord.total() == 4


@pytest.mark.django_db
def test_erase_action_is_offered_only_with_the_delete_permission(client, django_user_model):
    clerk = staff_with(django_user_model, client, "view_subscriber", "change_subscriber")

    response = clerk.get(CHANGELIST_URL)

    assert response.status_code == 200
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "resend_confirmation" in actions
    assert "delete_selected" not in actions


@pytest.mark.django_db
def test_erasure_records_cannot_be_edited(staff_client):
    ErasureRecord.add(2)

    assert staff_client.get("/admin/newsletters/erasurerecord/").status_code == 200
    assert staff_client.get("/admin/newsletters/erasurerecord/add/").status_code == 403


@pytest.mark.django_db
def test_publishers_may_manage_subscribers():
    publishers = Group.objects.get(name="Publishers")

    codenames = set(
        publishers.permissions.filter(content_type__model="subscriber").values_list(
            "codename", flat=True
        )
    )

    # Adding comes with the CSV import (migration 0008).
    assert codenames == {
        "view_subscriber",
        "add_subscriber",
        "change_subscriber",
        "delete_subscriber",
    }
    editors = Group.objects.get(name="Editors")
    assert not editors.permissions.filter(content_type__model="subscriber").exists()


@pytest.mark.django_db
def test_subscriber_permissions_migration_runs_both_ways_without_the_groups():
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    migration = import_module("newsletters.migrations.0003_subscribers")
    schema_editor = SimpleNamespace(connection=connection)
    migration.revoke_publishers(apps, schema_editor)
    assert not Group.objects.get(name="Publishers").permissions.filter(
        codename__in=migration.PUBLISHER_CODENAMES
    )
    Group.objects.filter(name="Publishers").delete()

    # Whichever migration runs first makes the group.
    migration.grant_publishers(apps, schema_editor)
    migration.grant_publishers(apps, schema_editor)

    publishers = Group.objects.get(name="Publishers")
    assert publishers.permissions.filter(content_type__model="subscriber").count() == 3
    assert apps.get_app_config("newsletters").models_module is not None


@pytest.mark.django_db
def test_a_subscriber_added_by_staff_is_recorded_as_such_and_waits_for_confirmation(staff_client):
    response = staff_client.post(
        "/admin/newsletters/subscriber/add/",
        {"email": "typed.in@example.org", "language": "en"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_source == ConsentSource.ADMIN
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_given_at is None
