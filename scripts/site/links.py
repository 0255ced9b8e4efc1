"""Where every generated page lives, and links between them as escaped HTML."""
from __future__ import annotations

from scripts.site.html import a, ar, code, esc, human_date, macros, rel

HOME = "index.md"
TIMELINE = "timeline.md"
SOURCES = "sources/index.md"
EVENTS = "events/index.md"
FIGURES = "figures.md"
PLACES = "places.md"
ACTORS = "actors.md"
DICTIONARY = "dictionary.md"
QUERY = "query.md"
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
        if event_id not in self.site.index["events"]:
            return macros().code(event_id)
        return macros().a(self.to(event_page(event_id)), label or macros().code(event_id))

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
        if not actor_id:
            return ""
        actor = self.site.index["actors"].get(actor_id)
        if actor is None:
            return macros().code(actor_id)
        return macros().name_link(self.to(ACTORS, f"actor-{actor_id}"), actor["name_en"], actor["name_ar"], arabic)

    def place(self, place_id, arabic: bool = False):
        if not place_id:
            return ""
        place = self.site.index["places"].get(place_id)
        if place is None:
            return macros().code(place_id)
        return macros().name_link(self.to(PLACES, f"place-{place_id}"), place["name_en"], place["name_ar"], arabic)

    def column(self, table: str, column: str | None = None):
        anchor = f"{table}-{column}" if column else table
        return macros().a(self.to(DICTIONARY, anchor), macros().code(f"{table}.{column}" if column else table))


class LegacyLinks:
    """Links as escaped HTML strings, for the pages not yet made from templates."""

    def __init__(self, site, path: str):
        self.site, self.path = site, path

    def to(self, page: str, anchor: str | None = None) -> str:
        return rel(self.path, page, anchor)

    def event(self, event_id, label: str | None = None) -> str:
        if not event_id:
            return ""
        if event_id not in self.site.index["events"]:
            return code(event_id)
        return a(self.to(event_page(event_id)), esc(label) if label else code(event_id))

    def source(self, source_id, long: bool = False) -> str:
        if not source_id:
            return ""
        s = self.site.index["sources"].get(source_id)
        if s is None:
            return code(source_id)
        label = esc(f"{s['outlet_en']}, {human_date(s['published'])}") if long else code(source_id)
        return a(self.to(source_page(source_id)), label)

    def claim(self, source_id: str, claim_id: str) -> str:
        """A mention, figure or citation row on its source page."""
        return a(self.to(source_page(source_id), f"ann-{claim_id}"), code(claim_id))

    def actor(self, actor_id, arabic: bool = False) -> str:
        if not actor_id:
            return ""
        actor = self.site.index["actors"].get(actor_id)
        if actor is None:
            return code(actor_id)
        label = esc(actor["name_en"]) + (" " + ar(actor["name_ar"]) if arabic else "")
        return a(self.to(ACTORS, f"actor-{actor_id}"), label)

    def place(self, place_id, arabic: bool = False) -> str:
        if not place_id:
            return ""
        place = self.site.index["places"].get(place_id)
        if place is None:
            return code(place_id)
        label = esc(place["name_en"]) + (" " + ar(place["name_ar"]) if arabic else "")
        return a(self.to(PLACES, f"place-{place_id}"), label)

    def column(self, table: str, column: str | None = None) -> str:
        anchor = f"{table}-{column}" if column else table
        return a(self.to(DICTIONARY, anchor), code(f"{table}.{column}" if column else table))
