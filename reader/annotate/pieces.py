"""The segment stage's unit: one word of a sentence, or a run of anything else."""

from __future__ import annotations

from dataclasses import dataclass

from reader.text import HAN_RUN

__all__ = ["HAN_RUN", "MEASURED", "Piece"]

# What 量 liáng "to measure" measures (量体温, 量两次血压, 量一量身高): the segment stage
# splits the verb from it, the readings stage reads 量 liáng before it.
MEASURED = frozenset({"体温", "身高", "血压", "体重", "尺寸", "温度", "长度"})


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
