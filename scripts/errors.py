"""Problems found in the curator's input, collected and reported together."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class DataError(Exception):
    """Raised by an arrow when the input has problems; carries every one of them."""

    def __init__(self, problems):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            return json.dumps([asdict(p) for p in self.problems], ensure_ascii=False, indent=2)
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.problems)} problem(s); nothing was written.")
        return "\n".join(lines)


class Collector:
    """Gathers problems during one arrow and raises them all at the end."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path, line, message, hint=""):
        self.problems.append(Problem(str(path), int(line or 1), message, hint))

    def raise_if_any(self):
        if self.problems:
            raise DataError(self.problems)
