"""Values queries built by the ORM once, then run as their SQL
(msme_portal/compiled_queries.py): the same rows as the ORM's, for every
argument, and a refusal for queries whose parameters cannot be told apart."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from msme_portal.compiled_queries import CompiledInstances, CompiledSQL, CompiledValues
from newsletters.models import Issue, Meeting, Section
from tests.factories import make_issue, make_meeting, make_section

pytestmark = pytest.mark.django_db


def meetings_between(language, start, until):
    # Without modeltranslation's rewriting: its values come with fallbacks.
    return (
        Meeting.objects.rewrite(False)
        .filter(date__gte=start, date__lt=until)
        .order_by("date", "pk")
        .values_list("pk", "date", f"title_{language}")
    )


MEETINGS_BETWEEN = CompiledValues(meetings_between)


@pytest.fixture
def meetings():
    return [
        make_meeting(date=date(2022, month, 10), title_en=f"M{month}", title_fr=f"R{month}")
        for month in (1, 3, 5, 7)
    ]


@pytest.mark.parametrize(
    "start, until",
    [
        (date(2022, 1, 1), date(2023, 1, 1)),
        (date(2022, 3, 1), date(2022, 6, 1)),
        (date(2022, 3, 10), date(2022, 5, 10)),
        (date(2024, 1, 1), date(2025, 1, 1)),
    ],
)
def test_the_rows_are_the_orms_for_every_argument(meetings, start, until):
    for language in ["en", "fr"]:
        compiled = MEETINGS_BETWEEN.rows(language, start, until)

        assert compiled == list(meetings_between(language, start, until))


def test_the_values_are_converted_as_the_orm_converts_them(meetings):
    rows = MEETINGS_BETWEEN.rows("en", date(2022, 1, 1), date(2022, 2, 1))

    assert rows == [(meetings[0].pk, date(2022, 1, 10), "M1")]
    assert type(rows[0][1]) is date  # SQLite stores it as text


def test_each_shape_is_compiled_apart(meetings):
    english = MEETINGS_BETWEEN.rows("en", date(2022, 1, 1), date(2022, 4, 1))
    french = MEETINGS_BETWEEN.rows("fr", date(2022, 1, 1), date(2022, 4, 1))

    assert [title for _pk, _day, title in english] == ["M1", "M3"]
    assert [title for _pk, _day, title in french] == ["R1", "R3"]


def test_a_compiled_query_is_one_query(meetings, django_assert_num_queries):
    MEETINGS_BETWEEN.rows("en", date(2022, 1, 1), date(2023, 1, 1))

    with django_assert_num_queries(1):
        rows = MEETINGS_BETWEEN.rows("en", date(2022, 5, 1), date(2023, 1, 1))
    assert len(rows) == 2


def test_integers_datetimes_and_json_columns():
    issue = make_issue()
    other = make_issue()
    section = make_section(issue, former_anchors=["earlier"])
    make_section(other)
    compiled = CompiledValues(
        lambda shape, issue_id, at: (
            Section.objects.rewrite(False)
            .filter(issue_id=issue_id, issue__published_at__lte=at)
            .values_list("pk", "former_anchors", "issue__published_at")
        )
    )

    now = timezone.now()
    assert compiled.rows(None, issue.pk, now) == [
        (section.pk, ["earlier"], Issue.objects.get(pk=issue.pk).published_at)
    ]
    assert compiled.rows(None, issue.pk, issue.published_at - timedelta(seconds=1)) == []
    assert [pk for pk, *_ in compiled.rows(None, other.pk, now)] != [section.pk]


def test_string_arguments(meetings):
    compiled = CompiledValues(
        lambda shape, title: Meeting.objects.rewrite(False).filter(title_en=title).values_list("pk")
    )

    assert compiled.rows(None, "M3") == [(meetings[1].pk,)]
    assert compiled.rows(None, "M5") == [(meetings[2].pk,)]
    assert compiled.rows(None, "nothing") == []


def test_a_string_worked_out_from_an_argument_is_refused(meetings):
    # A LIKE pattern made of the argument, as icontains makes one.
    compiled = CompiledValues(
        lambda shape, text: (
            Meeting.objects.rewrite(False)
            .filter(title_en__icontains=text)
            .order_by("pk")
            .values_list("pk")
        )
    )

    with pytest.raises(ValueError, match="pass it as an argument"):
        compiled.rows(None, "M")
    assert compiled.built_rows(None, "m") == [(meeting.pk,) for meeting in meetings]


def test_sql_written_around_queries(meetings):
    def counts(shape, start, title):
        after = Meeting.objects.filter(date__gte=start).values("pk")
        titled = Meeting.objects.rewrite(False).filter(title_en=title).values("pk")
        (after_sql, after_params), (titled_sql, titled_params) = (
            queryset.query.get_compiler(using="default").as_sql() for queryset in (after, titled)
        )
        counted = f"(SELECT COUNT(*) FROM ({after_sql}) a), (SELECT COUNT(*) FROM ({titled_sql}) t)"
        return f"SELECT {counted}", [*after_params, *titled_params]

    compiled = CompiledSQL(counts)

    assert compiled.rows(None, date(2022, 4, 1), "M1") == [(2, 1)]
    assert compiled.rows(None, date(2022, 1, 1), "none") == [(4, 0)]
    assert compiled.built_rows(None, date(2022, 6, 1), "M7") == [(1, 1)]


def test_a_value_worked_out_from_an_argument_is_refused():
    compiled = CompiledValues(
        lambda shape, start: (
            Meeting.objects.rewrite(False)
            .filter(date__lt=start + timedelta(days=30))
            .values_list("pk")
        )
    )

    with pytest.raises(ValueError, match="pass it as an argument"):
        compiled.rows(None, date(2022, 1, 1))


def test_the_time_read_inside_the_query_is_refused():
    compiled = CompiledValues(
        lambda shape, issue_id: (
            Issue.objects.rewrite(False).published().filter(pk=issue_id).values_list("pk")
        )
    )

    with pytest.raises(ValueError, match="pass it as an argument"):
        compiled.rows(None, 1)


def test_only_values_list_queries_are_compiled():
    with pytest.raises(TypeError, match="values_list"):
        CompiledValues(lambda shape, pk: Meeting.objects.filter(pk=pk).values_list("pk")).rows(
            None, 1
        )
    with pytest.raises(TypeError, match="values_list"):
        CompiledValues(lambda shape, pk: Meeting.objects.filter(pk=pk)).rows(None, 1)
    with pytest.raises(TypeError, match="values_list"):
        CompiledValues(
            lambda shape, pk: (
                Meeting.objects.rewrite(False).filter(pk=pk).values_list("pk", flat=True)
            )
        ).rows(None, 1)


def test_instances_are_the_models_with_their_fallbacks(meetings):
    compiled = CompiledInstances(
        Meeting, lambda shape, start: Meeting.objects.rewrite(False).filter(date__gte=start)
    )

    instances = compiled.instances(None, date(2022, 5, 1))

    assert instances == list(Meeting.objects.filter(date__gte=date(2022, 5, 1)))
    assert instances[0].location_text() == instances[0].place
    with translation.override("fr"):
        assert [meeting.title for meeting in instances] == ["R7", "R5"]
    with translation.override("es"):  # no Spanish title: the English one
        assert [meeting.title for meeting in instances] == ["M7", "M5"]
