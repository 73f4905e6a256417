"""tinyhtml5, the HTML parser WeasyPrint uses, made to keep the regular expressions it caches.

Its tokenizer reads a run of text with `chars_until(characters)`, which looks up a compiled pattern
for those characters in a module-level cache. In tinyhtml5 2.1.0 the pattern is stored under the
wrong key (the chained assignment `characters = cache[(characters, opposite)] = regex` rebinds
`characters` to the pattern before the key is made of it), so no lookup ever finds one: each call
builds the pattern's text again and asks `re` for it. That is half of parsing a part: the book's
parts parse in 0.20 s with the pattern kept, 0.44 s without. The tree parsed is the same.

Changed only where tinyhtml5's source is the pinned version's (tests/test_weasy_html_parsing.py).
"""
from __future__ import annotations

from .weasyprint_patch import patched_code

STORES_UNDER_THE_PATTERN = "characters = characters_until_regex[(characters, opposite)] = regex"
STORES_UNDER_THE_CHARACTERS = "characters_until_regex[(characters, opposite)] = characters = regex"


def install() -> bool:
    """Change `chars_until` (once per process); True if it is changed."""
    from tinyhtml5 import inputstream

    stream = inputstream.HTMLUnicodeInputStream
    if getattr(stream.chars_until, "_anthology", False):
        return True
    code = patched_code(stream.chars_until, [(STORES_UNDER_THE_PATTERN, STORES_UNDER_THE_CHARACTERS)])
    if code is None:
        return False
    exec(code, inputstream.__dict__)  # noqa: S102 (tinyhtml5's own code, changed as above)
    chars_until = inputstream.__dict__.pop("chars_until")  # a method, not a function of the module
    chars_until._anthology = True
    stream.chars_until = chars_until
    return True
