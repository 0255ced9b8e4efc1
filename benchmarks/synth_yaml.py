"""synth_yaml: a small YAML emitter for the synthetic corpus, much faster than yaml.safe_dump.

Every string is written as a JSON-style double-quoted scalar (valid YAML); keys are ASCII and in
insertion order; None values are left out. `yaml_safe` then escapes, per whole document, the few
characters YAML reads as line breaks or refuses but JSON leaves raw.
"""
from __future__ import annotations

import json
import math
import re

_encode = json.encoder.encode_basestring  # C implementation: "..." with JSON escapes, non-ASCII kept
# Characters YAML treats as line breaks or refuses but JSON leaves raw. Every string we emit is
# double-quoted and keys are ASCII, so they can only occur inside a quoted scalar, where \uXXXX is valid.
_YAML_UNSAFE = re.compile("[\x7f\x85\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_safe(text: str) -> str:
    """Escape, in a whole emitted document, the characters YAML would not read back verbatim."""
    if _YAML_UNSAFE.search(text):
        text = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def scalar(value) -> str:
    kind = type(value)
    if kind is str:
        return _encode(value)  # made YAML-safe per document by yaml_safe()
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float and math.isfinite(value):
        text = repr(value)  # YAML 1.1 (PyYAML) reads a float only with a dot in the mantissa: 1.0e-07, not 1e-07
        mantissa, e, exponent = text.partition("e")
        return (mantissa if "." in mantissa else mantissa + ".0") + (f"e{exponent}" if e else "")
    raise TypeError(f"cannot emit {kind.__name__}")


def emit_record(record: dict, indent: str = "  ") -> str:
    """One mapping as an item of a block sequence; keys in insertion order, None values left out."""
    body = f"\n{indent}  ".join([f"{key}: {scalar(value)}" for key, value in record.items() if value is not None])
    return f"{indent}- {body}"


def emit_list(key: str, records: list[dict]) -> str:
    if not records:
        return f"{key}: []\n"
    return f"{key}:\n" + "\n".join([emit_record(r) for r in records]) + "\n"


def emit_mapping(key: str, record: dict) -> str:
    return f"{key}:\n" + "\n".join(f"  {k}: {scalar(v)}" for k, v in record.items() if v is not None) + "\n"
