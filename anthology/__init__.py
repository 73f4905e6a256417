"""The anthology build system: manifest → readers → cleaning → typography → EPUB and PDF."""
