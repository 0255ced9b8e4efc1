"""The SQL form of the one Arabic normaliser (scripts/arabic.py): DuckDB macros emitted from its tables.

`ar_norm(text)` is `arabic.fold`: the letters of arabic.FOLD replaced, those of
arabic.REMOVED deleted (one `translate`), then each of arabic.SPELLINGS replaced.
`ar_norm_words(text)` is `' '.join(arabic.words(text))`: folded, lower-cased, split into
words (letters, digits, underscore) and each word's leading definite article dropped.
Nothing here spells a character: change arabic.py and the SQL follows (tests/unit/
test_ar_norm_sql.py compares both on every code point of the Arabic blocks and on the data).
"""
from __future__ import annotations

import scripts.arabic as arabic
from scripts.db.schema import quote_ident, quote_literal

WORD = r"[\p{L}\p{N}_]+"          # Python's \w on str (letters and numbers of every script, underscore)
WORD_CHAR = r"[\p{L}\p{N}_]"


def _fold_expression(arg: str) -> str:
    source = "".join(arabic.FOLD) + "".join(sorted(arabic.REMOVED))
    target = "".join(arabic.FOLD.values())  # translate() deletes the characters of `source` beyond `target`
    expr = f"translate({arg}, {quote_literal(source)}, {quote_literal(target)})"
    for old, new in arabic.SPELLINGS:
        expr = f"replace({expr}, {quote_literal(old)}, {quote_literal(new)})"
    return expr


MACROS = {
    "ar_norm": ("text", lambda a: _fold_expression(a),
                "Arabic text folded for matching, as scripts/arabic.py folds it: hamza forms of alef to ا, ى to ي, "
                "ة to ه, Persian ی ک to ي ك, tatweel, diacritics and invisible marks removed, أميركي spelled امريكي. "
                "Use it on both sides: ar_norm(quote) LIKE '%' || ar_norm('عين الأسد') || '%'."),
    "ar_norm_words": ("text", lambda a: (
        f"regexp_replace(array_to_string(regexp_extract_all(lower(ar_norm({a})), {quote_literal(WORD)}), ' '), "
        f"{quote_literal('(^| )' + arabic.ARTICLE_PREFIX + '(' + WORD_CHAR + '{2})')}, '\\1\\2', 'g')"),
        "ar_norm, lower-cased, as its words separated by one space, each without a leading definite article "
        "(ال, also after و or ف and ب, ل or ك: والعراق gives عراق): الانسحاب and انسحاب give the same words."),
}


def macro_statements(replace: bool = False) -> list[str]:
    """CREATE MACRO (and its COMMENT) for each macro, in dependency order."""
    create = "CREATE OR REPLACE MACRO" if replace else "CREATE MACRO"
    out = []
    for name, (arg, body, comment) in MACROS.items():
        out.append(f"{create} {quote_ident(name)}({arg}) AS {body(arg)}")
        out.append(f"COMMENT ON MACRO {quote_ident(name)} IS {quote_literal(comment)}")
    return out
