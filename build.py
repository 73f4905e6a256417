#!/usr/bin/env python3
"""Build the anthology (EPUB and PDF) from anthology.yml. See `python build.py --help`."""
import sys

from anthology.cli import main

if __name__ == "__main__":
    sys.exit(main())
