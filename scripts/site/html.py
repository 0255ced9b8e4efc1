"""Text to HTML and Markdown for the generated docs pages: the escapers and the templates.

Every generated page and fragment is a Jinja2 template in templates/, rendered by `ENV`:
autoescape is on for every template (.md, .html, .svg alike) and an undefined name is an
error. Every value a template prints ({{ value }}) goes through `esc`, the one HTML escaper;
Markdown syntax in text for a Markdown line goes through `md_escape`, the one Markdown
escaper (then through `esc`, like any other value). Arabic text always sits in an element
with `dir="rtl" lang="ar"` (macros `ar`, `txt` and `md` in templates/macros.html).

A value reaches a page unescaped only through what this module marks safe (Markup):
`fragment()`, the output of a template put into another one; the filters `nonblank_lines`
(a fragment without its blank lines), `fence` (a Markdown code block, shown literally),
`json_script` (JSON inside <script>, with "<" escaped), `heading_id` (refuses anything but a
plain id); and the block markers. Jinja's `safe` filter is removed.

Whitespace in templates is output as written, except that a line holding only a block tag
({% ... %}) disappears (trim_blocks, lstrip_blocks). A line starting with `{{- '' }}`
continues the line before it, for HTML that must stay on one line.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from scripts.arabic import arabic_runs

# Characters Python-Markdown would read as syntax in running text.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
# An id given to a Markdown heading ({#id}): only characters that cannot end the attribute list.
HEADING_ID = re.compile(r"[A-Za-z0-9_.:-]+")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Around a generated HTML block in a page's Markdown (macro `block`); build.split_blocks
# moves the blocks out before Markdown runs. No escaped value can contain '<!--'.
BLOCK_START, BLOCK_END = "<!--docs-block-->", "<!--/docs-block-->"
BLOCK = re.compile(re.escape(BLOCK_START) + "\n(.*?)\n" + re.escape(BLOCK_END), re.S)
TEMPLATES = Path(__file__).with_name("templates")


# ---------------------------------------------------------------------------- the escapers

def esc(value) -> Markup:
    """The HTML escaper: html.escape (quotes too) of any value, None is empty; template
    output (Markup) is left as it is."""
    if value is None:
        return Markup("")
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


def md_escape(text) -> str:
    """The Markdown escaper: a backslash before every character Markdown would read as syntax
    (backslash first, as html.escape leaves it alone). HTML escaping follows when printed."""
    return MARKDOWN_SYNTAX.sub(r"\\\1", str(text))


# ---------------------------------------------------------------------------- filters marked safe

def nonblank_lines(fragment) -> Markup:
    """A fragment without its blank lines (Markdown would end a raw HTML block at one)."""
    return Markup("\n".join(line for line in esc(fragment).splitlines() if line.strip()))


def fence(text, lang: str = "") -> Markup:
    """A fenced code block for a Markdown template: Markdown shows its content as it is (and
    escapes it for HTML itself); the fence is longer than any backtick run inside."""
    text = str(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return Markup(f"{marks}{lang}\n{text.rstrip()}\n{marks}")


def json_script(value) -> Markup:
    """JSON for a <script> element: "<" written as a JSON escape cannot end the element early."""
    return Markup(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).replace("<", "\\u003c"))


def heading_id(value) -> Markup:
    """`{#id}` after a Markdown heading (attr_list). The ids are vocabulary values, table and
    view names: anything else is refused rather than escaped, as a link may point to it."""
    if not HEADING_ID.fullmatch(str(value)):
        raise ValueError(f"not usable as a heading id: {value!r}")
    return Markup(f"{{#{value}}}")


def join_html(items, separator: str = "") -> Markup:
    """`join` that escapes like every other output (Jinja's own escapes with markupsafe)."""
    return esc(separator).join(esc(item) for item in items)


# ---------------------------------------------------------------------------- values

def human_date(edtf) -> str:
    """'2025-09-15' -> '15 September 2025'; intervals joined by an en dash; sets of candidate days
    ('[2025-08-23,2025-08-30]' -> '23 or 30 August 2025'); other forms as given."""
    if not edtf:
        return ""
    text = str(edtf)
    if text[:1] in "[{" and text[-1:] in "]}":
        return _human_set(text) or text
    parts = text.split("/")
    if len(parts) > 2:
        return str(edtf)
    shown = [_human_part(p) for p in parts]
    if None in shown:
        return str(edtf)
    if len(shown) == 2 and "T" not in edtf:
        return _shorten(*shown)
    return " – ".join(shown)


def _human_set(text: str) -> str | None:
    """An EDTF set: '[...]' is one of its members, '{...}' all of them; a member is a day or 'a..b'."""
    members = [m.split("..") for m in text[1:-1].split(",")]
    if any(len(m) > 2 or not all(m) for m in members):
        return None
    shown = [[_human_part(p) for p in m] for m in members]
    if any(None in m for m in shown):
        return None
    word = " or " if text[0] == "[" else " and "
    if all(len(m) == 1 for m in shown) and len(shown) <= 3:
        days = [m[0] for m in shown]
        same_month = all(d.split(" ")[1:] == days[-1].split(" ")[1:] and len(d.split(" ")) == 3 for d in days)
        return word.join([d.split(" ")[0] for d in days[:-1]] + [days[-1]]) if same_month else word.join(days)
    kind = "days" if all(len(m) == 1 for m in shown) else "periods"
    span = _shorten(shown[0][0], shown[-1][-1])
    return f"one of {len(shown)} candidate {kind}, {span}" if text[0] == "[" else f"{len(shown)} {kind}, {span}"


def _shorten(first: str, last: str) -> str:
    """'17 January 2026', '19 January 2026' -> '17–19 January 2026'."""
    a_parts, b_parts = first.split(" "), last.split(" ")
    if len(a_parts) == len(b_parts) == 3 and a_parts[1:] == b_parts[1:]:
        return f"{a_parts[0]}–{last}"
    if len(a_parts) == len(b_parts) and len(a_parts) >= 2 and a_parts[-1] == b_parts[-1]:
        return f"{' '.join(a_parts[:-1])} – {last}"
    return f"{first} – {last}"


def _human_part(part: str) -> str | None:
    date, _, time = part.partition("T")
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if not match:
        return None
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return None
    text = year if not month else f"{MONTHS[int(month) - 1]} {year}"
    text = f"{int(day)} {text}" if day else text
    return f"{text}, {time[:5]}" if time else text


def iso(value) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else ("" if value is None else str(value))


def num(value) -> str:
    """2500.0 -> '2,500'; 0.5 -> '0.5'; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def short(text, limit: int = 60) -> str:
    """A title from a summary: its first sentence, cut at a word before `limit` characters with "…"."""
    text = " ".join(str(text or "").split())
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0].rstrip(".;:")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


def words(code) -> str:
    """A code in words, first letter capital: 'base_closure' -> 'Base closure'."""
    text = "" if code is None else str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def fixed(value: float, digits: int = 1) -> str:
    """A coordinate in an SVG: 12.345 -> '12.3'."""
    return f"{value:.{digits}f}"


# ---------------------------------------------------------------------------- templates

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,                     # every template, whatever its extension
    undefined=jinja2.StrictUndefined,
    # Every {{ value }} goes through esc: the site's bytes were made with html.escape, which
    # writes ' and " as &#x27; and &quot; (markupsafe.escape writes &#39; and &#34;).
    finalize=esc,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    auto_reload=False,
)
del ENV.filters["safe"]  # nothing is marked safe in a template, only by the filters below
ENV.filters.update(e=esc, escape=esc, forceescape=lambda v: esc(str(v)), join=join_html,
                   arabic_runs=arabic_runs, md_escape=md_escape, nonblank_lines=nonblank_lines,
                   fence=fence, json_script=json_script, heading_id=heading_id,
                   human_date=human_date, iso=iso, num=num, plural=plural, fixed=fixed, short=short,
                   words=words)
ENV.globals.update(BLOCK_START=Markup(BLOCK_START), BLOCK_END=Markup(BLOCK_END))


def render_template(name: str, **context) -> str:
    """A page or file from its template."""
    return ENV.get_template(name).render(**context)


def fragment(name: str, **context) -> Markup:
    """A template's output, to be put into another template as it is (the only place template
    output is marked safe by hand)."""
    return Markup(render_template(name, **context))


@functools.cache
def macros():
    """templates/macros.html as a module, for Python code that needs a link or a span."""
    return ENV.get_template("macros.html").module


def md_text(text) -> Markup:
    """Text for a Markdown line (a heading): Markdown syntax and HTML escaped, Arabic in rtl spans."""
    return macros().md(text)
