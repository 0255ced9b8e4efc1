import datetime as dt

import pytest

from scripts.pipeline.dates import DateProblem, bounds

D = dt.date


@pytest.mark.parametrize("value, expected", [
    ("2025-08-19", (D(2025, 8, 19), D(2025, 8, 19), "day")),
    ("2025-09", (D(2025, 9, 1), D(2025, 9, 30), "month")),
    ("2024-02", (D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("2024", (D(2024, 1, 1), D(2024, 12, 31), "year")),
    ("2025-12-29/2026-01-02", (D(2025, 12, 29), D(2026, 1, 2), "interval")),
    ("2024-09/2025-09", (D(2024, 9, 1), D(2025, 9, 30), "interval")),
    ("2026-01-19T00:07:00", (D(2026, 1, 19), D(2026, 1, 19), "minute")),
])
def test_bounds(value, expected):
    assert bounds(value) == expected


@pytest.mark.parametrize("value, words", [
    ("2025-02-30", "day is out of range for month"),
    ("2025-13", "not a valid EDTF date"),
    ("15 Sept 2025", "not a valid EDTF date"),
    ("2025-09-15/2025-09-10", "ends (2025-09-10) before it starts (2025-09-15)"),
])
def test_bad_dates(value, words):
    with pytest.raises(DateProblem) as e:
        bounds(value)
    assert words in str(e.value)
