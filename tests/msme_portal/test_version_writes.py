"""An edit replaces the content version even when the cache loses a write.

Django's database cache swallows any DatabaseError in set() (SQLite's
"database is locked", for one): the portal reads the version back and
writes it again. Here a trigger on the cache table refuses the version's
row, on SQLite and on PostgreSQL, as the database would.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from msme_portal import page_cache
from newsletters.models import Section
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.django_db

CACHE_TABLE = "test_version_cache"

SQLITE_REFUSAL = """
CREATE TRIGGER refuse_version_{event} BEFORE {event} ON {table}
WHEN NEW.cache_key LIKE '%public-pages:version' AND (SELECT remaining FROM version_refusals) != 0
BEGIN
    UPDATE version_refusals SET remaining = remaining - 1;
    SELECT RAISE(IGNORE) WHERE (SELECT silently FROM version_refusals);
    SELECT RAISE(ABORT, 'the version is refused');
END
"""

POSTGRESQL_REFUSAL = """
CREATE FUNCTION refuse_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.cache_key LIKE '%public-pages:version'
            AND (SELECT remaining FROM version_refusals) <> 0 THEN
        UPDATE version_refusals SET remaining = remaining - 1;
        IF (SELECT silently FROM version_refusals) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'the version is refused';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_version BEFORE INSERT OR UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION refuse_version();
"""


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "msme_portal.database_cache.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
    call_command("createcachetable", verbosity=0)


def refuse_version_writes(remaining, *, silently):
    """The next `remaining` writes of the version leave the row as it was,
    silently; or every one of them fails, with an error the cache swallows
    (the statement's rollback undoes the count as well)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE version_refusals (remaining integer, silently boolean)")
        cursor.execute("INSERT INTO version_refusals VALUES (%s, %s)", [remaining, silently])
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_REFUSAL.format(table=CACHE_TABLE))
        else:
            for event in ("INSERT", "UPDATE"):
                cursor.execute(SQLITE_REFUSAL.format(event=event, table=CACHE_TABLE))


def refusals_left():
    with connection.cursor() as cursor:
        cursor.execute("SELECT remaining FROM version_refusals")
        return cursor.fetchone()[0]


def test_an_edit_replaces_the_version_the_cache_lost_at_the_save_and_at_the_commit(
    database_cache, django_capture_on_commit_callbacks
):
    section = make_section(make_issue())
    version = page_cache.content_version()
    # Both writes an edit made were lost that way: the one at the save and
    # the one at the commit.
    refuse_version_writes(2, silently=True)

    section.title = "Edited from a shell"
    with django_capture_on_commit_callbacks(execute=True):
        section.save()

    assert refusals_left() == 0
    assert page_cache.read_version() > version


def test_an_edit_whose_version_the_cache_keeps_refusing_fails_and_is_not_saved(
    database_cache, monkeypatch
):
    monkeypatch.setattr(page_cache, "VERSION_RETRY_DELAYS", (0.0, 0.0))
    section = make_section(make_issue(), title="As published")
    version = page_cache.content_version()
    refuse_version_writes(-1, silently=False)

    section.title = "Never shown"
    with pytest.raises(page_cache.VersionNotReplaced), transaction.atomic():
        section.save()

    assert Section.objects.get(pk=section.pk).title == "As published"
    assert page_cache.read_version() == version
