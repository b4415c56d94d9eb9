"""Stage: annotated articles to files (HTML, JSON, EPUB, Anki, vocabulary, index, PDF)."""
