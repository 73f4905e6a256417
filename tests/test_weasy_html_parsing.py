"""tinyhtml5 keeping the patterns it caches (render/weasy_html_parsing.py) is a fast path: a part's
HTML must parse to the same tree as without the change."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5
from tinyhtml5 import inputstream

from anthology.render import weasy_html_parsing
from anthology.render.weasyprint_patch import patched_code

HTML = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>A &amp; B</title></head>'
        '<body><section id="s1"><h1 class="text">The Revolution Betrayed</h1>'
        '<p>The bureaucracy &mdash; “a caste” &#8212; rules <em>through</em> the plan.<a href="#fn1" '
        'class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a></p><!-- a comment -->'
        '<pre>  kept   as\tit is </pre><p>3 &lt; 4 &amp;&amp; 5 &gt; 4\u00a0and\r\nso on</p></section></body></html>')


def as_pinned() -> type:
    """tinyhtml5's input stream with `chars_until` as the pinned version has it."""
    code = patched_code(inputstream.HTMLUnicodeInputStream.chars_until, [])  # its source, unchanged
    assert code is not None
    namespace = dict(inputstream.__dict__)
    exec(code, namespace)  # noqa: S102
    return type("PinnedStream", (inputstream.HTMLUnicodeInputStream,), {"chars_until": namespace["chars_until"]})


def test_the_change_applies_to_the_pinned_tinyhtml5():
    assert weasy_html_parsing.install()


def test_a_pattern_once_made_is_found_again():
    assert weasy_html_parsing.install()
    tinyhtml5.parse(HTML, namespace_html_elements=False)
    assert (("&", "<", "\u0000"), False) in inputstream.characters_until_regex  # the key is the characters


def test_html_parses_to_the_same_tree_as_with_the_pinned_parser(monkeypatch):
    assert weasy_html_parsing.install()
    changed = ET.tostring(tinyhtml5.parse(HTML, namespace_html_elements=False), encoding="unicode")
    monkeypatch.setattr(inputstream, "HTMLUnicodeInputStream", as_pinned())
    pinned = ET.tostring(tinyhtml5.parse(HTML, namespace_html_elements=False), encoding="unicode")
    assert "kept   as\tit is" in changed and "—" in changed
    assert changed == pinned
