"""EDTF strings -> first day, last day and a precision code, so SQL never parses EDTF."""
from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

from edtf import parse_edtf, struct_time_to_date


class DateProblem(ValueError):
    pass


@lru_cache(maxsize=65536)
def bounds(value: str) -> tuple[dt.date, dt.date, str]:
    """(start, end, precision) of an EDTF value; raises DateProblem with a readable reason."""
    try:
        parsed = parse_edtf(value)
        start = struct_time_to_date(parsed.lower_strict())
        end = struct_time_to_date(parsed.upper_strict())
    except Exception as e:  # the edtf package raises several exception types
        raise DateProblem(f"'{value}' is not a valid EDTF date ({_reason(value, e)})") from None
    if end < start:
        raise DateProblem(f"'{value}' ends ({end}) before it starts ({start})")
    return start, end, _precision(value, start, end)


def _reason(value: str, error: Exception) -> str:
    # The parser's message is generic; say what is wrong where we can tell.
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
