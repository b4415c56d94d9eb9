"""Source stage: a source's bytes read and decoded to text (encodings detected, binary refused)."""

from __future__ import annotations

import codecs
from pathlib import Path

from reader.errors import InputError
from reader.text import HAN

# Frequent characters (simplified and traditional forms) used to tell a right decoding from
# mojibake: legacy encodings decode each other's bytes without error, but into rare characters.
_COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她"
    "本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问"
    "很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次"
    "度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四神总何电"
    "数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马"
    "科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万"
    "取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议"
    "這個們來為國時說會對過後裡麼經現當沒動還進點學發樣產種實長開問關從體頭見話機聽處無與萬東車書"
    "電門義氣業覺認讓識導帶師術親聲錢愛邊應該將們嗎麼還說話"
)


def decode(data: bytes, name: str) -> str:
    """Decode a source's bytes, detecting UTF-8/16/32 (BOM), UTF-16 without BOM, GB18030/GBK, Big5.

    A guess must look like Chinese (mostly common characters), however short the text: an
    undecidable file is refused, never turned into mojibake.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte offset {exc.start}); re-save it as UTF-8"
                ) from None
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    wide = _utf16_candidates(data)
    if b"\x00" in data:
        # NUL bytes: UTF-16 text (its ASCII half) or a binary file, not GB18030 or Big5
        if wide and wide[0][0] >= _PLAUSIBLE:
            return _check_text(wide[0][2], name)
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt or .md file")
    stray = _stray_utf8(data)
    if stray:
        shown = ", ".join(f"0x{data[i]:02X} at byte offset {i}" for i in stray[:3])
        more = f" and {len(stray) - 3} more" if len(stray) > 3 else ""
        raise InputError(
            f"{name}: is UTF-8 except for {len(stray)} invalid byte(s) ({shown}{more}); "
            "fix or delete them in an editor, or re-save the file as UTF-8"
        )
    candidates = list(wide)
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding, text))
    if candidates:
        score, _, text = max(candidates, key=lambda c: c[0])
        if score >= _PLAUSIBLE:
            return _check_text(text, name)
    raise InputError(
        f"{name}: can't tell its text encoding (not UTF-8 from byte offset {first_bad} on, "
        "nor UTF-16, GB18030/GBK or Big5 Chinese); re-save it as UTF-8"
    )


_PLAUSIBLE = 0.15
"""Share of common characters above which a legacy decoding is taken to be right."""


def _utf16_candidates(data: bytes) -> list[tuple[float, str, str]]:
    """UTF-16 decodings without a byte-order mark (LE, BE), best first, with their scores."""
    if len(data) % 2:
        return []
    found = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        found.append((_plausibility(text), encoding, text))
    return sorted(found, key=lambda c: c[0], reverse=True)


def _stray_utf8(data: bytes) -> list[int]:
    """Offsets of the bytes that keep otherwise valid UTF-8 from decoding; [] if it isn't UTF-8.

    UTF-8 it is when its multi-byte characters outnumber the bad bytes many times over: a
    GB18030 or Big5 file breaks UTF-8 on almost every Chinese character.
    """
    bad: list[int] = []
    multibyte = 0
    position = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    while position < len(data):
        try:
            text = decoder.decode(data[position:], final=True)
        except UnicodeDecodeError as exc:
            good = data[position : position + exc.start].decode("utf-8")
            multibyte += sum(1 for ch in good if ord(ch) > 0x7F)
            bad.extend(range(position + exc.start, position + exc.end))
            position += exc.end
            decoder.reset()
            continue
        multibyte += sum(1 for ch in text if ord(ch) > 0x7F)
        break
    return bad if bad and multibyte >= 3 * len(bad) else []


def _plausibility(text: str) -> float:
    """Share of Han characters that are common ones: high for a right decoding."""
    han = HAN.findall(text)
    if not han:
        return 0.0
    return sum(1 for ch in han if ch in _COMMON) / len(han)


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file in disguise)."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt or .md file")
    return text


def read_file(path: Path) -> str:
    """Read and decode one source file; errors name the file and the fix."""
    return decode(read_source_bytes(path), str(path))


def read_source_bytes(path: Path) -> bytes:
    """A source file's bytes; errors name the file and the fix."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a file, or the folder itself") from None
    except PermissionError:
        raise InputError(
            f"{path}: permission denied; make it readable (chmod u+r '{path}') or run as its owner"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: can't be read ({exc.strerror or exc}); check the file") from None
