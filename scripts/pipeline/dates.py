"""EDTF strings -> first day, last day and a precision code, so SQL never parses EDTF."""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from functools import lru_cache

from edtf import parse_edtf, struct_time_to_date


class DateProblem(ValueError):
    pass


# EDTF level 0 (a year, month, day or date-time, or an interval of them) covers nearly
# every annotation. It is read here directly: the edtf package's parser takes about 10 ms
# a value, which dominates a large build. Everything else (uncertainty, seasons,
# unspecified digits, open intervals) goes to the edtf package.
_SIMPLE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?)?)?)?", re.ASCII)


def _simple(value: str):
    """(start, end) of a level-0 date, None if not that form; ValueError if impossible."""
    match = _SIMPLE.fullmatch(value)
    if not match:
        return None
    year, month, day, time = match.groups()
    if time and not (int(time[1:3]) < 24 and int(time[4:6]) < 60 and int(time[7:9]) < 60):
        raise ValueError(f"time {time[1:]} is out of range")
    if month and not day and int(month) > 12:
        return None  # 21-41 are EDTF seasons and quarters
    if day:
        date = dt.date(int(year), int(month), int(day))
        return date, date
    if month:
        last = calendar.monthrange(int(year), int(month))[1] if 1 <= int(month) <= 12 else 0
        return dt.date(int(year), int(month), 1), dt.date(int(year), int(month), last)
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)


def _edtf(value: str):
    parsed = parse_edtf(value)
    return struct_time_to_date(parsed.lower_strict()), struct_time_to_date(parsed.upper_strict())


@lru_cache(maxsize=65536)
def bounds(value: str) -> tuple[dt.date, dt.date, str]:
    """(start, end, precision) of an EDTF value; raises DateProblem with a readable reason."""
    odd = next((ch for ch in value if not ("\x20" <= ch < "\x7f")), None)
    if odd is not None:  # Arabic-Indic digits read as numbers in Python: refused before any parser sees them
        raise DateProblem(f"'{value}' is not a valid EDTF date (it has U+{ord(odd):04X} "
                          f"{unicodedata.name(odd, 'a control character')}: dates are written in ASCII, with the digits 0-9)")
    try:
        parts = value.split("/")
        simple = [_simple(p) for p in parts] if len(parts) <= 2 else [None]
        if all(simple):
            start, end = simple[0][0], simple[-1][1]
        else:
            start, end = _edtf(value)
    except Exception as e:  # the edtf package raises several exception types
        raise DateProblem(f"'{value}' is not a valid EDTF date ({_reason(value, e)})") from None
    if end < start:
        raise DateProblem(f"'{value}' ends ({end}) before it starts ({start})")
    return start, end, _precision(value, start, end)


def _reason(value: str, error: Exception) -> str:
    # The parser's message is generic; say what is wrong where we can tell.
    if isinstance(error, ValueError) and str(error) and not type(error).__module__.startswith("edtf"):
        return str(error)
    try:
        parts = [int(p) for p in value.split("/")[0].split("T")[0].split("-")]
        if len(parts) == 3:
            dt.date(*parts)
    except ValueError as e:
        if str(e) and "invalid literal" not in str(e):
            return str(e)
    return "expected forms: 2025-09-15, 2025-09, 2025, 2025-12-29/2026-01-02, 2026-01-19T00:07:00"


def _precision(value: str, start: dt.date, end: dt.date) -> str:
    if "T" in value:
        return "minute"
    if "/" in value:
        return "interval"
    if start == end:
        return "day"
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) \
            and end.day == calendar.monthrange(end.year, end.month)[1]:
        return "month"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "year"
    return "interval"
