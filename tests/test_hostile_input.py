"""A text saved from a hostile web page must not make the build read files outside the project or
open a network connection, and its markup must not reach the outputs as live HTML."""
from __future__ import annotations

import re
import socket
import zipfile

import pytest
import yaml

from anthology.pipeline import build

HOSTILE = """---
title: Hostile
...

## A Page From the Web

Hello <img src="file:///etc/passwd"> and <script>alert('x')</script> and
<link rel="stylesheet" href="http://evil.example/x.css"> and <style>@import url(http://evil.example/y.css);</style>.

![a remote picture](http://evil.example/pic.png) ![a local file](file:///etc/passwd) ![up](../../../etc/passwd)
"""


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.book  # builds a book of its own
def test_hostile_text_reads_no_outside_file_and_opens_no_connection(project_copy, no_network, monkeypatch):
    import builtins

    opened = []
    real_open = builtins.open

    def watching_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    (project_copy / "texts" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    manifest = project_copy / "anthology.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["texts"] = [{"id": "hostile", "file": "texts/hostile.md", "format": "markdown",
                      "title": "Hostile", "author": "Nobody", "date": "2020"}]
    data.pop("meetings", None)  # the reading plan names the real texts
    manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    monkeypatch.setattr(builtins, "open", watching_open)
    result = build(manifest, jobs=1)  # in this process, where every open and connection is watched
    monkeypatch.setattr(builtins, "open", real_open)

    assert no_network == []
    assert not [f for f in opened if "passwd" in f or "evil.example" in f]
    with zipfile.ZipFile(result.outputs["epub"]) as epub:
        chapter = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml"))
        names = epub.namelist()
    assert b"<script" not in chapter and b"<link rel=\"stylesheet\" href=\"http" not in chapter
    assert not re.search(rb'<(img|link|script|iframe|object)\b[^>]*(src|href)="(https?|file):', chapter)
    assert b"alert(" not in chapter  # dropped with its content by the Markdown reader, never run
    assert any("texts/hostile.md:" in w and "<script>" in w for w in result.warnings), result.warnings
    assert not [n for n in names if "passwd" in n or "pic" in n]  # only the generated cover is an image
    pdf = result.outputs["pdf"].read_bytes()
    assert b"root:x:0:0" not in pdf
