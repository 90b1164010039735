"""RE2 patterns (what TF's regex ops take) rewritten for Python's ``re`` where the two read
the same text differently: ``\\w``/``\\d``/``\\b`` are ASCII-only, ``\\s`` is
``[\\t\\n\\f\\r ]`` (no ``\\v``), ``$`` without ``(?m)`` is the end of the text only, ``\\z``
is Python's ``\\Z``, and POSIX classes such as ``[[:alpha:]]`` are spelled out.
"""

import re

from featherflow.errors import InvalidArgumentError

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_POSIX_CLASS = re.compile(r"\[:(\w+):\]")
_SPACE = "\\t\\n\\f\\r "
_MULTILINE_FLAG = re.compile(r"\(\?[a-zA-Z]*m")
# Python's scoped ASCII flag keeps the rest of the pattern Unicode-aware, as RE2 is for
# (?i) and '.', while these classes stay ASCII as in RE2.
_OUTSIDE = {"\\s": f"[{_SPACE}]", "\\S": f"[^{_SPACE}]", "\\z": "\\Z"}
_OUTSIDE.update({f"\\{c}": f"(?a:\\{c})" for c in "wWdDbB"})
_UNICODE_CLASS = re.compile(r"\\[pP](?:L|\{L\})")
_INSIDE = {"\\s": _SPACE, "\\w": "0-9A-Za-z_", "\\d": "0-9"}


def _fail(pattern, reason):
    raise InvalidArgumentError(f"Invalid pattern: {pattern}, error: {reason}.")


def _set_end(pattern, start):
    """Index just past the ``]`` closing the bracket expression opened at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            if close != -1:
                i = close + 2
                continue
        if char == "]":
            return i + 1
        i += 1
    _fail(pattern, "missing ]")


def _translate_set(pattern, body):
    def posix(match):
        name = match.group(1)
        if name not in _POSIX:
            _fail(pattern, f"invalid character class range: [:{name}:]")
        return _POSIX[name]

    body = _POSIX_CLASS.sub(posix, body)
    out = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            pair = body[i:i + 2]
            out.append(_INSIDE.get(pair, pair))
            i += 2
        else:
            # A '[' Python would read as a nested set is a literal in RE2.
            out.append("\\[" if body[i] == "[" else body[i])
            i += 1
    return "".join(out)


def to_python(pattern):
    """``pattern`` (RE2 syntax) as a Python ``re`` pattern meaning the same.

    Raises InvalidArgumentError for RE2 features ``re`` lacks: Unicode classes other than
    letters (``\\pL``, ``\\p{L}`` and their negations, outside brackets).
    """
    multiline = bool(_MULTILINE_FLAG.search(pattern))
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            pair = pattern[i:i + 2]
            if pair in ("\\p", "\\P"):
                name = _UNICODE_CLASS.match(pattern, i)
                if name is None:
                    _fail(pattern, "featherflow's regex engine (Python's re) knows only the "
                                   "Unicode letter class \\pL / \\p{L}; spell others out")
                # Python's spelling of "a Unicode letter": a word character, not digit or _.
                out.append("[^\\W\\d_]" if pair == "\\p" else "[\\W\\d_]")
                i = name.end()
                continue
            out.append(_OUTSIDE.get(pair, pair))
            i += 2
        elif char == "[":
            end = _set_end(pattern, i)
            head = 2 if pattern.startswith("[^", i) else 1
            out.append(pattern[i:i + head] + _translate_set(pattern, pattern[i + head:end - 1])
                       + "]")
            i = end
        elif char == "$" and not multiline:
            out.append("\\Z")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)
