"""Renderers: one module per output (EPUB, print HTML, PDF) and the Pandoc runner they share."""
