"""Small HTML/Markdown helpers for the generated docs pages.

Every string that comes from annotations or data goes through `esc` (or a helper built on
it) before it reaches a page: a translation containing `<script>` shows as text. Arabic
text is always put inside an element with `dir="rtl" lang="ar"`.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import json
import posixpath
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

ARABIC_LETTER = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run of Arabic: starts and ends with an Arabic letter; spaces, digits and punctuation
# between Arabic letters belong to the run.
ARABIC_RUN = re.compile(
    f"[{ARABIC_LETTER}]+(?:[\\s\\d.,:;!?'\"()\\[\\]«»“”/\\-–—]*[{ARABIC_LETTER}]+)*")
# Characters Python-Markdown would read as syntax in running text.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def esc(value) -> str:
    """HTML-escaped text of any value; None is empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def has_arabic(text) -> bool:
    return text is not None and re.search(f"[{ARABIC_LETTER}]", str(text)) is not None


def ar(text, tag: str = "span", cls: str = "") -> str:
    """Arabic text in its own right-to-left element."""
    if text is None or text == "":
        return ""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<{tag}{klass} dir="rtl" lang="ar">{esc(text)}</{tag}>'


def txt(text) -> str:
    """Escaped text whose Arabic runs (e.g. quoted words in an English note) sit in rtl spans."""
    if text is None:
        return ""
    text = str(text)
    out, last = [], 0
    for match in ARABIC_RUN.finditer(text):
        out.append(esc(text[last:match.start()]))
        out.append(ar(match.group(0)))
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def md_text(text) -> str:
    """Text for a Markdown line (a heading): escaped for HTML and for Markdown syntax."""
    if text is None:
        return ""
    pieces, last = [], 0
    text = str(text)
    for match in ARABIC_RUN.finditer(text):
        pieces.append(_md_escape(text[last:match.start()]))
        pieces.append(f'<span dir="rtl" lang="ar">{_md_escape(match.group(0))}</span>')
        last = match.end()
    pieces.append(_md_escape(text[last:]))
    return "".join(pieces)


def _md_escape(text: str) -> str:
    # Backslash first (html.escape leaves it alone), then HTML: '&', '<', '>' become entities.
    return esc(MARKDOWN_SYNTAX.sub(r"\\\1", text))


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


def a(href: str, label_html: str, cls: str = "", title: str | None = None) -> str:
    extra = f' class="{esc(cls)}"' if cls else ""
    extra += f' title="{esc(title)}"' if title else ""
    return f'<a href="{esc(href)}"{extra}>{label_html}</a>'


def code(text) -> str:
    return f"<code>{esc(text)}</code>" if text not in (None, "") else ""


def table(headers: list[str], rows: list[list[str]], cls: str = "", row_ids: list[str] | None = None) -> str:
    """An HTML table; headers are plain text, cells are already-escaped HTML.

    `cls` goes into data-kind: Material styles only tables without a class.
    """
    klass = f' data-kind="{esc(cls)}"' if cls else ""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        rid = f' id="{esc(row_ids[i])}"' if row_ids and row_ids[i] else ""
        body.append(f"<tr{rid}>" + "".join(_cell(c) for c in row) + "</tr>")
    return f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def _cell(cell) -> str:
    if isinstance(cell, tuple):  # (html, attributes)
        return f"<td {cell[1]}>{cell[0]}</td>"
    return f"<td>{cell}</td>"


def ar_cell(text) -> tuple[str, str]:
    """A table cell holding Arabic text, right-to-left."""
    return esc(text), 'dir="rtl" lang="ar" class="ar"'


def dl(items: list[tuple[str, str]]) -> str:
    """A definition list of (plain-text term, HTML description); empty descriptions are left out."""
    rows = [f"<dt>{esc(term)}</dt><dd>{desc}</dd>" for term, desc in items if desc not in (None, "")]
    return '<dl class="facts">\n' + "\n".join(rows) + "\n</dl>"


BLOCK_START, BLOCK_END = "<!--docs-block-->", "<!--/docs-block-->"
BLOCK = re.compile(re.escape(BLOCK_START) + "\n(.*?)\n" + re.escape(BLOCK_END), re.S)


def block(html_text: str, cls: str, search: bool = True) -> str:
    """A generated HTML block inside a page's Markdown.

    When the page is written (docs.write_sources) the block is moved into a side file and a
    placeholder takes its place; the mkdocs hook puts it back after Markdown has run, so
    Python-Markdown never parses the (large) generated HTML. The markers cannot come from
    data: every data string is escaped, so '<!--' never survives in it. `search=False` keeps
    the block out of the search index (for quotes already indexed on their source page).
    """
    inner = "\n".join(line for line in html_text.splitlines() if line.strip())
    html_block = f'<div class="{esc(cls)}">\n{inner}\n</div>'
    if not search:  # Material's search parser matches elements by tag: no <section> may be inside
        html_block = f"<section data-search-exclude>\n{html_block}\n</section>"
    return f"\n{BLOCK_START}\n{html_block}\n{BLOCK_END}\n"


def fence(text: str, lang: str = "") -> str:
    """A fenced code block longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{lang}\n{text.rstrip()}\n{marks}"


# ---------------------------------------------------------------------------- values

def human_date(edtf) -> str:
    """'2025-09-15' -> '15 September 2025'; intervals joined by an en dash; other forms as given."""
    if not edtf:
        return ""
    parts = str(edtf).split("/")
    if len(parts) > 2:
        return str(edtf)
    shown = [_human_part(p) for p in parts]
    if None in shown:
        return str(edtf)
    if len(shown) == 2 and "T" not in edtf:
        return _shorten(*shown)
    return " – ".join(shown)


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


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# ---------------------------------------------------------------------------- templates

TEMPLATES = Path(__file__).with_name("templates")
# An id given to a Markdown heading ({#id}): only characters that cannot end the attribute list.
HEADING_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def escape_html(value) -> Markup:
    """The template's escaper: html.escape for plain values, template output (Markup) as it is."""
    if value is None:
        return Markup("")
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


def arabic_runs(text) -> list[tuple[str, str]]:
    """Text cut into (plain, Arabic run) pairs; the last run is empty. No HTML: templates mark up."""
    if text is None:
        return []
    text, pairs, last = str(text), [], 0
    for match in ARABIC_RUN.finditer(text):
        pairs.append((text[last:match.start()], match.group(0)))
        last = match.end()
    return [*pairs, (text[last:], "")]


def md_escape(text) -> str:
    """The Markdown escaper: a backslash before every character Markdown would read as syntax
    (HTML escaping follows, as for every value a template prints)."""
    return MARKDOWN_SYNTAX.sub(r"\\\1", str(text))


def nonblank_lines(fragment) -> Markup:
    """A fragment without its blank lines (Markdown would end a raw HTML block at one)."""
    return Markup("\n".join(line for line in str(escape_html(fragment)).splitlines() if line.strip()))


def fenced(text, lang: str = "") -> Markup:
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


def fixed(value: float, digits: int = 1) -> str:
    """A coordinate in an SVG: 12.345 -> '12.3'."""
    return f"{value:.{digits}f}"


def join_html(items, separator: str = "") -> Markup:
    """`join` that escapes like every other output (Jinja's own escapes with markupsafe)."""
    return Markup(escape_html(separator)).join(escape_html(item) for item in items)


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,                     # every template, whatever its extension (.html, .md, .svg)
    undefined=jinja2.StrictUndefined,
    # Every {{ value }} goes through escape_html: the site's bytes were made with html.escape,
    # which writes ' and " as &#x27; and &quot; (markupsafe writes &#39; and &#34;).
    finalize=escape_html,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    auto_reload=False,
)
del ENV.filters["safe"]  # nothing is marked safe in a template: only by the filters below
ENV.filters.update(e=escape_html, escape=escape_html, forceescape=lambda v: escape_html(str(v)), join=join_html,
                   arabic_runs=arabic_runs, md_escape=md_escape, nonblank_lines=nonblank_lines,
                   fence=fenced, json_script=json_script, heading_id=heading_id, fixed=fixed,
                   human_date=human_date, iso=iso, num=num, plural=plural)
# The markers around a generated HTML block (see `block` in templates/macros.html).
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
