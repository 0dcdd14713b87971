"""Configuration files: safe YAML reading and validation that names the file and the key.

Every YAML document geoplan reads — its own ``config/*.yaml`` and a user's spec — goes through
:func:`safe_yaml`, which refuses anchors and aliases (a "billion laughs" document expands a few
hundred bytes into gigabytes), documents over a size limit and nesting beyond a depth limit.
:func:`validate` checks a parsed mapping against a small schema and raises
:class:`~geoplan.errors.ConfigError` naming the file and the dotted key.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, InputError
from .paths import config_dir

__all__ = ["MAX_YAML_BYTES", "MAX_DEPTH", "Schema", "config_path", "load_config", "number", "safe_json",
           "safe_yaml", "validate"]

MAX_YAML_BYTES = 256 * 1024  # a spec or a config file is a few kB; anything larger is not one
MAX_DEPTH = 20

Schema = Mapping[str, Any]  # key -> nested Schema, or a check(value, key) -> value


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases instead of expanding them."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) and anchors are not accepted", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.constructor.ConstructorError(
                None, None, "YAML anchors (&name) and aliases are not accepted (a spec never needs them)", event.start_mark)
        return super().compose_node(parent, index)


def _depth(obj: Any, limit: int) -> int:
    """Nesting depth of lists/dicts, iteratively (a deep document must not hit the recursion limit)."""
    stack, deepest = [(obj, 1)], 0
    while stack:
        cur, d = stack.pop()
        if isinstance(cur, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((v, d + 1) for v in (cur.values() if isinstance(cur, dict) else cur))
    return deepest


def safe_yaml(text: str | bytes, *, file: str | None = None, max_bytes: int = MAX_YAML_BYTES,
              max_depth: int = MAX_DEPTH) -> Any:
    """Parse a YAML document safely.

    Parameters
    ----------
    text : str or bytes
        The document. Bytes must be UTF-8.
    file : str, optional
        The user's name for the file, used in error messages.
    max_bytes, max_depth : int
        Limits on the document's size and nesting.

    Returns
    -------
    object
        The parsed document (``None`` for an empty one).

    Raises
    ------
    InputError
        For a document that is too large, not UTF-8, malformed, uses anchors/aliases or nests
        deeper than ``max_depth``.

    Examples
    --------
    >>> safe_yaml("a: [1, 2]")
    {'a': [1, 2]}
    >>> safe_yaml("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ...
    geoplan.errors.InputError: YAML anchors (&name) and aliases are not accepted (a spec never needs them) (line 1)
    """
    s = _checked_text(text, file, max_bytes, max_depth)
    try:
        data = yaml.load(s, Loader=_NoAliasLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{problem}{where}", file=file) from None
    except RecursionError:
        raise InputError(f"nested deeper than {max_depth} levels", file=file) from None
    if _depth(data, max_depth) > max_depth:
        raise InputError(f"nested deeper than {max_depth} levels", file=file)
    return data


def _decode(raw: bytes, file: str | None) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " (it looks like GBK/GB18030, a Chinese Windows encoding)"
        except UnicodeDecodeError:
            pass
        raise InputError(f"not UTF-8 text (byte {exc.start}){hint}; save the file as UTF-8 "
                         "(文件须为 UTF-8 编码)", file=file) from None


def _no_duplicates(file: str | None) -> Callable[[list], dict]:
    def hook(pairs: list) -> dict:
        out: dict = {}
        for k, v in pairs:
            if k in out:
                raise InputError(f"duplicate key '{str(k)[:60]}' in a JSON object (重复的键)", file=file)
            out[k] = v
        return out
    return hook


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (use a number or null)")


def safe_json(text: str | bytes, *, file: str | None = None, max_bytes: int = MAX_YAML_BYTES,
              max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON document safely: size cap before parsing, UTF-8 only, nesting depth checked
    without recursion, duplicate keys and the non-standard ``NaN``/``Infinity`` refused.

    >>> safe_json('{"a": [1, 2]}')
    {'a': [1, 2]}
    """
    s = _checked_text(text, file, max_bytes, max_depth)
    try:
        return json.loads(s, object_pairs_hook=_no_duplicates(file), parse_constant=_no_constant)
    except InputError:
        raise
    except json.JSONDecodeError as exc:
        raise InputError(f"cannot parse the JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                         file=file) from None
    except ValueError as exc:
        raise InputError(f"cannot parse the JSON: {exc}", file=file) from None
    except RecursionError:
        raise InputError(f"nested deeper than {max_depth} levels", file=file) from None


def _checked_text(text: str | bytes, file: str | None, max_bytes: int, max_depth: int) -> str:
    """The document as text after the checks both parsers share: size before parsing, UTF-8, bracket depth."""
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if len(raw) > max_bytes:
        raise InputError(f"the document is {len(raw):,} bytes; at most {max_bytes:,} are accepted", file=file)
    s = _decode(raw, file)
    if _bracket_depth(s) > max_depth:
        raise InputError(f"nested deeper than {max_depth} levels", file=file)
    return s


def _bracket_depth(s: str) -> int:
    depth = best = 0
    for ch in s:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def number(lo: float | None = None, hi: float | None = None, *, integer: bool = False,
           lo_open: bool = False) -> Callable[[Any, str], float]:
    """A check for a finite number in [lo, hi] (``lo_open``: strictly above ``lo``)."""
    def check(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"'{key}' must be a number, got {value!r}", field=key)
        if not math.isfinite(value):
            raise ConfigError(f"'{key}' must be finite, got {value!r}", field=key)
        if integer and int(value) != value:
            raise ConfigError(f"'{key}' must be a whole number, got {value!r}", field=key)
        if lo is not None and (value <= lo if lo_open else value < lo):
            raise ConfigError(f"'{key}' must be {'>' if lo_open else '≥'} {lo:g}, got {value!r}", field=key)
        if hi is not None and value > hi:
            raise ConfigError(f"'{key}' must be ≤ {hi:g}, got {value!r}", field=key)
        return int(value) if integer else float(value)
    return check


def validate(cfg: Any, schema: Schema, *, file: str | None = None, prefix: str = "") -> dict:
    """Check ``cfg`` against ``schema``; return it with checked values.

    A schema maps each required key to a nested schema (a mapping) or to a check
    ``check(value, dotted_key) -> value`` that raises :class:`ConfigError`. Keys that start with
    ``"?"`` are optional. Unknown keys are an error (a typo must not be silently ignored).

    Examples
    --------
    >>> validate({"a": 1, "b": {"c": 0.5}}, {"a": number(0), "b": {"c": number(0, 1)}})
    {'a': 1.0, 'b': {'c': 0.5}}
    >>> validate({"a": -1}, {"a": number(0)}, file="x.yaml")
    Traceback (most recent call last):
    ...
    geoplan.errors.ConfigError: file x.yaml, field 'a': 'a' must be ≥ 0, got -1
    """
    try:
        return _validate(cfg, schema, prefix)
    except ConfigError as exc:
        raise ConfigError(exc.bare, file=file, field=exc.field) from None


def _validate(cfg: Any, schema: Schema, prefix: str) -> dict:
    where = prefix.rstrip(".") or "the document"
    if not isinstance(cfg, dict):
        raise ConfigError(f"{where} must be a mapping, got {type(cfg).__name__}", field=prefix.rstrip(".") or None)
    out = dict(cfg)
    names = {k.lstrip("?"): k for k in schema}
    unknown = sorted(str(k) for k in cfg if str(k) not in names)
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown} in {where}; expected {sorted(names)}",
                          field=prefix + unknown[0])
    for name, raw_key in names.items():
        sub = schema[raw_key]
        key = prefix + name
        if name not in cfg:
            if raw_key.startswith("?"):
                continue
            raise ConfigError(f"missing key '{key}'", field=key)
        out[name] = _validate(cfg[name], sub, key + ".") if isinstance(sub, Mapping) else sub(cfg[name], key)
    return out


def config_path(name: str) -> Path:
    """Path of a configuration file in :func:`geoplan.paths.config_dir`."""
    return config_dir() / name


@cache
def _load(path: str) -> Any:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError("configuration file not found", file=str(p)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration file ({exc.strerror})", file=str(p)) from None
    try:
        return safe_yaml(raw, file=str(p))
    except InputError as exc:
        raise ConfigError(exc.bare, file=str(p)) from None


def load_config(path: str | Path) -> Any:
    """A parsed configuration file (cached by path; callers must not modify the result)."""
    return _load(str(Path(path).resolve()))
