"""new-source: scaffold annotations/sources/<source_id>.yaml for a new article."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

TEMPLATE = """\
# Annotation of {article} ({chars} characters). See docs/methodology.md.
# Fill in every field marked TODO, then run `make check`.
source:
  source_id: {source_id}          # outlet and date, e.g. shafaq-2025-08-19 (rename the file to match)
  outlet_actor_id: TODO           # an actor of kind news_outlet in annotations/actors.yaml
  outlet_en: TODO
  outlet_ar: TODO
  title_ar: TODO                  # the headline exactly as printed; remove if the file has none
  title_en: TODO
  language: ar
  published: TODO                 # EDTF in quotes, e.g. "2025-08-19" or "2025-12-29/2026-01-02"
  published_basis: TODO           # stated | inferred
  published_note: TODO            # where the date is printed, or the evidence for an inferred range
  article_path: {article}
  article_sha256: {sha256}
  # furniture_note: navigation, share buttons, comment counters present in the file

citations: []     # agencies and outlets the article names: cited_actor_id, relation, quote

mentions: []      # claims about events: mention_id, event_id, quote, quote_en, claimed_date,
                  # modality, attributed_to, attribution

figures: []       # numbers: figure_id, subject, value / value_low / value_high, qualifier, unit,
                  # as_of, quote, quote_en, attributed_to, attribution

names: []         # every place and actor the article names: place_id or actor_id, quote
"""


class ScaffoldError(Exception):
    pass


def new_source(root: Path, article: str, source_id: str | None = None) -> Path:
    root = Path(root)
    path = (root / article).resolve()
    try:
        rel = path.relative_to((root / "articles").resolve())
    except ValueError:
        raise ScaffoldError(f"{article}: articles must live in articles/") from None
    if not path.is_file():
        raise ScaffoldError(f"{article}: no such file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScaffoldError(f"{article}: not valid UTF-8 at byte {e.start}") from None
    source_id = source_id or "new-" + re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", source_id):
        raise ScaffoldError(f"source id '{source_id}' is not lowercase kebab-case")
    target = root / "annotations" / "sources" / f"{source_id}.yaml"
    if target.exists():
        raise ScaffoldError(f"{target.relative_to(root)} already exists; refusing to overwrite it")
    for other in (root / "annotations" / "sources").glob("*.yaml"):
        if f"articles/{rel.as_posix()}" in other.read_text(encoding="utf-8", errors="replace"):
            raise ScaffoldError(f"{other.relative_to(root)} already annotates articles/{rel.as_posix()}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(article=f"articles/{rel.as_posix()}", chars=len(text), source_id=source_id,
                                      sha256=hashlib.sha256(data).hexdigest()), encoding="utf-8")
    return target
