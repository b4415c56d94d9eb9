"""The segment stage's unit: one word of a sentence, or a run of anything else."""

from __future__ import annotations

from dataclasses import dataclass

from reader.text import HAN_RUN

__all__ = ["HAN_RUN", "Piece"]


@dataclass(frozen=True, slots=True)
class Piece:
    """One segment of a sentence: a Chinese word, or a run of anything else."""

    text: str
    """The segment's characters."""
    pos: str
    """jieba's part-of-speech tag (`x` for a run that is not Chinese)."""
    start: int
    """Offset of the piece in its sentence."""
    titled: bool = False
    """A bare surname before a form of address (曾 in 曾老师)."""
    source: tuple[int, int] | None = None
    """Where the jieba word this piece was split from stands in its sentence (弄清楚 for 弄)."""

    @property
    def han(self) -> bool:
        """Whether the piece is a Chinese word that gets a reading."""
        return bool(HAN_RUN.fullmatch(self.text))
