"""Values queries the ORM builds once per process, then run as their SQL.

Building a query through the ORM (filters, joins, django-modeltranslation's
rewriting of field names) and compiling it to SQL cost more than running it:
most of an issue page's build went to making the same ten small queries
again each time. A `CompiledValues` builds its query once for each
shape (the page's language, which names the columns) and database, and then
only runs the SQL with the new parameters, turning the rows into values with
the ORM's own converters, as `values_list()` would. A `CompiledSQL` does
the same for SQL written around queries (a count of each of several).
On PostgreSQL the SQL runs as a prepared statement, planned once per
connection rather than on every request.

Which parameter goes where in the SQL is found by building the query twice
with two sets of stand-in values: a parameter of the SQL that changes with
them is one of the arguments, as its database adapts it; one that stays is a
constant. A query whose parameters move in any other way (a date worked out
inside the builder, or "now") cannot be compiled and raises at once, in
every test that reads it, rather than reusing a stale value. What the
settings write into the SQL (a lookup in the current time zone) stays as it
was when the query was first built; none of these queries has one.
"""

import itertools
from datetime import UTC, date, datetime

from django.db import connections
from django.db.models.query import ValuesListIterable

# Stand-ins far outside any real value of the columns they are compared
# with, and with nothing in common between the two turns (not even a month
# or an hour), so a value worked out from them cannot pass for a constant.
_STAND_IN_INTEGERS = (-7_000_001, -9_000_001)
_STAND_IN_TIMES = ((1011, 2, 3, 4, 5, 6), (1527, 7, 19, 13, 21, 44))


def _stand_in(example, index, turn):
    """A stand-in for an argument like `example`, different for each index
    and each of the two turns."""
    if isinstance(example, bool):
        raise TypeError("A boolean argument cannot be told from a constant: build two queries.")
    if isinstance(example, int):
        return _STAND_IN_INTEGERS[turn] - index
    if isinstance(example, str):
        return f"\u2063stand-in {index} of turn {turn}\u2063"
    year, month, day, hour, minute, second = _STAND_IN_TIMES[turn]
    if isinstance(example, datetime):
        return datetime(year + index, month, day, hour, minute, second, tzinfo=UTC)
    if isinstance(example, date):
        return date(year + index, month, day)
    raise TypeError(f"Cannot compile a query with an argument of type {type(example).__name__}.")


# The ways a database may adapt an argument to a parameter of its SQL, as
# names of its operations (None: as it is), looked up on the connection of
# the thread that runs the query.
ADAPTERS = [None, "adapt_datefield_value", "adapt_datetimefield_value"]


def _adapted(value, adapter, connection):
    return value if adapter is None else getattr(connection.ops, adapter)(value)


def _converted(rows, converters, connection):
    """The rows with the ORM's converters applied, as values_list() does."""
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        yield tuple(row)


def prepared_cursor(connection):
    """A cursor whose statements the database prepares, where it can
    (msme_portal/postgresql/base.py): the same SQL runs on every request."""
    if hasattr(connection, "prepared_cursor"):
        return connection.prepared_cursor()
    return connection.cursor()


class CompiledSQL:
    """SQL made by `build(shape, *arguments)`, as a (sql, parameters) pair,
    found once per shape and database, then run with each call's arguments.

    `shape` (hashable) changes the SQL itself, as the page's language names
    the columns read; the arguments (integers, strings, dates, datetimes) are
    only its parameters. `rows(shape, *arguments)` returns the rows the SQL
    built for those arguments would; `built_rows()` builds it again first,
    for a database on which it cannot be compiled.

    On PostgreSQL its SQL runs as a prepared statement, whose plan is kept
    for every value of its parameters: SQL must not depend on one plan per
    value (newsletters/search.py parses its text query once per statement)."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def rows(self, shape, *arguments, using="default"):
        connection = connections[using]
        key = (shape, using, tuple(type(argument) for argument in arguments))
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self.compile(shape, arguments, connection)
        sql, slots, converters = compiled
        parameters = [
            constant if index is None else _adapted(arguments[index], adapter, connection)
            for index, adapter, constant in slots
        ]
        return self.run(sql, parameters, converters, connection, prepared=True)

    def built_rows(self, shape, *arguments, using="default"):
        connection = connections[using]
        # Built again each time: no statement to prepare.
        return self.run(*self.built(shape, arguments, connection), connection, prepared=False)

    @staticmethod
    def run(sql, parameters, converters, connection, prepared):
        with prepared_cursor(connection) if prepared else connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in rows]
        return list(_converted(rows, converters, connection))

    def built(self, shape, arguments, connection):
        """The SQL, its parameters and the converters of its columns."""
        sql, parameters = self.build(shape, *arguments)
        return sql, list(parameters), {}

    def compile(self, shape, arguments, connection):
        turns = []
        for turn in (0, 1):
            stand_ins = [_stand_in(argument, i, turn) for i, argument in enumerate(arguments)]
            turns.append((stand_ins, *self.built(shape, stand_ins, connection)))
        (first_ins, sql, first, converters), (second_ins, second_sql, second, _) = turns
        if sql != second_sql or len(first) != len(second):
            raise ValueError("The query's SQL changes with its arguments: it cannot be compiled.")
        slots = [
            self.slot(one, other, first_ins, second_ins, connection)
            for one, other in zip(first, second, strict=True)
        ]
        return sql, slots, converters

    @staticmethod
    def slot(one, other, first_ins, second_ins, connection):
        """(argument index, adapter, None) for a parameter that is an
        argument, (None, None, constant) for one that is not."""
        if one == other:
            return (None, None, one)
        for index, adapter in itertools.product(range(len(first_ins)), ADAPTERS):
            try:
                matches = _adapted(first_ins[index], adapter, connection) == one and (
                    _adapted(second_ins[index], adapter, connection) == other
                )
            except (AttributeError, TypeError, ValueError):  # not an adapter for this type
                continue
            if matches:
                return (index, adapter, None)
        raise ValueError(
            "A parameter of the query is worked out from its arguments, or from the time: "
            "pass it as an argument."
        )


class CompiledValues(CompiledSQL):
    """A `values_list()` query built by `build(shape, *arguments)`, compiled
    once per shape and database: `rows(shape, *arguments)` returns what
    `list(build(shape, *arguments))` would, with the ORM's converters."""

    def built(self, shape, arguments, connection):
        queryset = self.build(shape, *arguments).using(connection.alias)
        if queryset._iterable_class is not ValuesListIterable:
            raise TypeError(
                "CompiledValues compiles Django's own values_list() queries: not flat or "
                "named, nor modeltranslation's, which add fallbacks (rewrite(False) first)."
            )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, parameters = compiler.as_sql()
        if compiler.has_extra_select:
            raise TypeError("A query selecting more than its values cannot be compiled.")
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        return sql, list(parameters), compiler.get_converters(fields)


class CompiledInstances(CompiledValues):
    """Model instances from a query compiled as CompiledValues compiles
    one: `build(shape, *arguments)` returns a queryset of `model` (for a
    translated model, with modeltranslation's rewriting off), which is read
    as every column's values and made into instances as the ORM makes them
    (`Model.from_db`). For pages that show their rows as the model does:
    its methods, and modeltranslation's fallbacks, are the model's."""

    def __init__(self, model, build):
        self.model = model
        self.columns = [field.attname for field in model._meta.concrete_fields]
        super().__init__(
            lambda shape, *arguments: build(shape, *arguments).values_list(*self.columns)
        )

    def instances(self, shape, *arguments, using="default"):
        return [
            self.model.from_db(using, self.columns, row)
            for row in self.rows(shape, *arguments, using=using)
        ]
