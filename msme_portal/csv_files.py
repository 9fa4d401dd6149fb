"""CSV files that staff download and open in spreadsheets: streamed row by
row, so a long file never sits in memory, and defused against formula
injection."""

import csv
import re

# CSV injection. A spreadsheet runs a cell that starts with = + - or @ (after
# spaces or quotes, for some) as a formula, and one opening the file with
# another separator than ours splits our cells at it: where ";" separates,
# "Org;=1+1" is two cells, "Org" and the formula "=1+1". So an apostrophe,
# which makes a cell text, goes at the start of the cell and after each of
# , ; tab | and line break wherever a formula character follows (spaces and
# quotes between), and at the start of a cell that opens with a tab or a
# carriage return. Apostrophes already there count as the optional quotes, so
# one is added before them too, and `restore_cell()` can undo exactly what
# `spreadsheet_safe()` did. https://owasp.org/www-community/attacks/CSV_Injection
_AT_A_FORMULA = "(?=[ \"']*[=+\\-@])"
_AT_A_CONTROL = "(?=[ \"']*[\t\r])"
_CELL_STARTS = "(?:^|(?<=[,;\t|\r\n]))"
FORMULA_START = re.compile(f"{_CELL_STARTS}{_AT_A_FORMULA}|^{_AT_A_CONTROL}")
DEFUSING_APOSTROPHE = re.compile(f"{_CELL_STARTS}'{_AT_A_FORMULA}|^'{_AT_A_CONTROL}")


def spreadsheet_safe(value):
    """The cell as text that no spreadsheet runs as a formula, whatever
    separator it splits the file at."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return FORMULA_START.sub("'", str(value))


def restore_cell(text):
    """A cell of an exported file as it was before `spreadsheet_safe()`."""
    return DEFUSING_APOSTROPHE.sub("", text)


class _Echo:
    """A file-like object that hands back what is written, for csv.writer."""

    def write(self, value):
        return value


def csv_stream(header, rows):
    """The CSV lines of `header` and then `rows` (iterables of values), one
    string at a time, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])
