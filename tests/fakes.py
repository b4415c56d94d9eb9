"""A fake translator for layout and CLI tests (the real model path has its own tests)."""

from __future__ import annotations

from collections.abc import Sequence


class FakeTranslator:
    """Translates each sentence into a marker that shows what it was given."""

    name = "fake-zh-en"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.calls.append(list(texts))
        return [f"[EN sentence of {len(text)} characters]" for text in texts]
