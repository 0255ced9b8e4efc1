"""Where every generated page lives, and links between them (made by templates/macros.html)."""
from __future__ import annotations

import functools
import posixpath

from scripts.site.html import human_date, macros, short

HOME = "index.md"
TIMELINE = "timeline.md"
SOURCES = "sources/index.md"
EVENTS = "events/index.md"
FIGURES = "figures.md"
PLACES = "places.md"
ACTORS = "actors.md"
DICTIONARY = "dictionary.md"
QUERY = "query.md"
CONSOLE = "console.md"
MAP = "map.md"
COOKBOOK = "cookbook/index.md"
DOWNLOADS = "downloads.md"
CITE = "cite.md"
CHANGELOG = "changelog.md"
METHODOLOGY = "methodology.md"


def source_page(source_id: str) -> str:
    return f"sources/{source_id}.md"


def event_page(event_id: str) -> str:
    return f"events/{event_id}.md"


def recipe_page(stem: str) -> str:
    return f"cookbook/{stem}.md"


def html_url(page: str) -> str:
    """Site URL of a docs-src page path (use_directory_urls is off)."""
    return page[:-3] + ".html" if page.endswith(".md") else page


def rel(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative URL from one docs-src page to another page or file (for raw HTML)."""
    target = "" if to_page == from_page else _relpath(html_url(to_page), posixpath.dirname(from_page) or ".")
    return target + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)
def _relpath(target: str, start: str) -> str:
    return posixpath.relpath(target, start)


class Links:
    """Links from one page (`path`) to the others, labelled from the data: template output
    (templates/macros.html), so a template prints them as they are and escapes the labels."""

    def __init__(self, site, path: str):
        self.site, self.path = site, path

    def to(self, page: str, anchor: str | None = None) -> str:
        return rel(self.path, page, anchor)

    def event(self, event_id, label: str | None = None):
        if not event_id:
            return ""
        row = self.site.index["events"].get(event_id)
        if row is None:
            return macros().code(event_id)
        # Named by the start of its summary; the id is the link's tooltip.
        return macros().a(self.to(event_page(event_id)), label or short(row.get("summary_en") or event_id, 50),
                          title=event_id)

    def source(self, source_id, long: bool = False):
        if not source_id:
            return ""
        s = self.site.index["sources"].get(source_id)
        if s is None:
            return macros().code(source_id)
        label = f"{s['outlet_en']}, {human_date(s['published'])}" if long else macros().code(source_id)
        return macros().a(self.to(source_page(source_id)), label)

    def claim(self, source_id: str, claim_id: str):
        """A mention, figure or citation row on its source page."""
        return macros().a(self.to(source_page(source_id), f"ann-{claim_id}"), macros().code(claim_id))

    def actor(self, actor_id, arabic: bool = False):
        return self._entity("actors", ACTORS, "actor", actor_id, arabic)

    def place(self, place_id, arabic: bool = False):
        return self._entity("places", PLACES, "place", place_id, arabic)

    def _entity(self, table: str, page: str, anchor: str, ident, arabic: bool):
        """A link to a place's or actor's card, by its names; its id where it is not catalogued."""
        if not ident:
            return ""
        row = self.site.index[table].get(ident)
        if row is None:
            return macros().code(ident)
        return macros().name_link(self.to(page, f"{anchor}-{ident}"), row["name_en"], row["name_ar"], arabic)

    def column(self, table: str, column: str | None = None):
        anchor = f"{table}-{column}" if column else table
        return macros().a(self.to(DICTIONARY, anchor), macros().code(f"{table}.{column}" if column else table))
