"""The reliability record of the annotations, as committed in review/ (docs/methodology.md,
section 15): the agreement of the first and the blind second annotation before adjudication
(`agreement-before.json`, written by `python -m scripts agreement --json`) and the
adjudication log (`adjudication.csv`). Read here once, for the data card and the site's
Reliability page; None where a project has no review/ folder.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MEASURE_LABELS = {"event": "event linking", "modality": "modality", "attribution": "attribution",
                  "date_exact": "claimed date, exact", "date_overlap": "claimed date, overlapping",
                  "subject": "figure subject", "qualifier": "figure qualifier", "value": "figure value",
                  "as_of": "figure as_of, exact"}


@dataclass
class Reliability:
    before: dict                     # the agreement report before adjudication
    log: list[dict]                  # the adjudication log, one dict per row

    @property
    def overall(self) -> dict:
        return self.before["overall"]

    def kappas(self) -> list[tuple[str, dict]]:
        """(label, {n, agree, kappa}) per measure, in the report's order."""
        return [(MEASURE_LABELS[k], self.overall["measures"][k]) for k in MEASURE_LABELS if k in self.overall["measures"]]

    def compared(self) -> list[dict]:
        """Log rows of the comparison (the disagreements), not those of other checks."""
        return [r for r in self.log if r["origin"] == "agreement"]

    def decisions(self) -> Counter:
        return Counter(r["decision"] for r in self.compared())

    def kinds(self) -> list[tuple[str, Counter]]:
        """Each kind of disagreement or error with how its rows were decided, most frequent first."""
        by: dict[str, Counter] = {}
        for r in self.log:
            by.setdefault(r["kind"], Counter())[r["decision"]] += 1
        return sorted(by.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))


def read(root: Path) -> Reliability | None:
    folder = Path(root) / "review"
    before, log = folder / "agreement-before.json", folder / "adjudication.csv"
    if not (before.is_file() and log.is_file()):
        return None
    rows = list(csv.DictReader(io.StringIO(log.read_text(encoding="utf-8"))))
    return Reliability(json.loads(before.read_text(encoding="utf-8")), rows)


def summary(rel: Reliability) -> str:
    """One paragraph with the figures, for the data card."""
    c = rel.overall["counts"]["claim"]
    kappas = "; ".join(f"{label} {_k(m['kappa'])}" for label, m in rel.kappas())
    d = rel.decisions()
    return (f"Every article was annotated twice, independently (a blind second annotator working from the articles, "
            f"the methodology and the schema). Before adjudication the two sets matched {c['matched']} of "
            f"{c['a']} claims of the first and {c['b']} of the second (mentions and figures, by overlapping quote spans): "
            f"claim F1 {100 * c['f1']:.1f} % (recall {100 * c['recall']:.1f} %, precision {100 * c['precision']:.1f} %). "
            f"Cohen's kappa on the matched pairs: {kappas}. Each of the {sum(d.values())} disagreements was adjudicated "
            f"(second annotation adopted {d.get('B', 0)}, first kept {d.get('A', 0)}, both right {d.get('both', 0)}); "
            f"the log is `review/adjudication.csv` and the published tables are the corrected annotations.")


def _k(kappa) -> str:
    return "n/a" if kappa is None else f"{kappa:.2f}"
