"""Stage: bytes to articles (decoding, blocks, Markdown, discovery of sources)."""
