"""The Reliability page: the agreement of the two annotations before adjudication, the kinds of
disagreement and error found, how each was decided and what changed in the published tables
(scripts/publish/reliability.py reads review/). No page where a project has no review/."""
from __future__ import annotations

from scripts.publish import reliability
from scripts.site.html import render_template
from scripts.site.model import Page, Site

RELIABILITY = "reliability.md"
DECISIONS = {"B": "second annotation adopted", "A": "first annotation kept", "both": "both right",
             "corrected": "corrected (found by check or review)"}


def reliability_pages(site: Site) -> list[Page]:
    rel = reliability.read(site.root)
    if rel is None:
        return []
    o = rel.overall
    before = {k: _counts(o["counts"][k]) for k in ("claim", "mention", "figure")}
    kappas = [(label, m["n"], m["agree"], _kappa(m["kappa"])) for label, m in rel.kappas()]
    articles = [{"source": a["source_a"], **_counts(a["counts"]["claim"]),
                 **{k: _kappa(a["measures"][k]["kappa"]) for k in ("event", "modality", "attribution", "date_exact")}}
                for a in rel.before["articles"]]
    now = {"mention": len(site.rows("mentions")), "figure": len(site.rows("figures")), "event": len(site.rows("events"))}
    decided = rel.decisions()
    corrected = sum(1 for r in rel.log if r["origin"] != "agreement")
    return [Page(RELIABILITY, "Reliability", render_template(
        "reliability.md", before=before, kappas=kappas, articles=articles,
        kinds=[(kind, ", ".join(f"{DECISIONS[d]} {n}" for d, n in sorted(c.items()))) for kind, c in rel.kinds()],
        decided=[(DECISIONS[d], decided.get(d, 0)) for d in ("B", "A", "both")], corrected=corrected,
        log=rel.log, now=now, summary=reliability.summary(rel)))]


def _counts(c: dict) -> dict:
    return {**c, **{k: "n/a" if c[k] is None else f"{100 * c[k]:.1f} %" for k in ("recall", "precision", "f1")}}


def _kappa(k) -> str:
    return "n/a" if k is None else f"{k:.3f}"
