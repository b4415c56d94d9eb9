"""The EPUB: archive layout, package document, well-formed chapters, ruby, and epubcheck."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reader.annotate.dictionary import Dictionary, gloss_article
from reader.cli.main import main
from reader.model import AnnotatedArticle, AnnotatedParagraph, AnnotatedSentence, Word
from reader.options import Options
from reader.pinyin import written
from reader.pipeline import build
from reader.render.common import ATTRIBUTION
from reader.render.epub import MEDIA_TYPE, to_epub
from reader.render.vocab import VocabItem, vocabulary
from reader.source.blocks import parse
from tests.fakes import FakeTranslator

Books = tuple[list[AnnotatedArticle], list[list[VocabItem]]]

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}

MARKDOWN = """# 银行里的人

## 早上

他在银行工作。他说：“行！我们走吧。”

- 行长来了 <b>&amp; “朋友”

```
print("<不是中文>")
```
"""


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One dictionary cache for the whole test session: the tables are built once."""
    folder = factory.getbasetemp() / "dictionary-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Books:
    first = parse(MARKDOWN, "bank.md", markdown=True)
    second = parse("春天\n\n春天来了，我们去公园。", "spring.txt")
    articles, _ = build([*first, *second], Options(), FakeTranslator())
    dictionary = Dictionary(_shared_cache(tmp_path_factory))
    glossed = [gloss_article(a, dictionary) for a in articles]
    return glossed, [vocabulary(a, 1) for a in glossed]


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))


def _package(archive: zipfile.ZipFile) -> tuple[str, ElementTree.Element]:
    container = _xml(archive, "META-INF/container.xml")
    rootfile = container.find("c:rootfiles/c:rootfile", NS)
    assert rootfile is not None
    path = rootfile.attrib["full-path"]
    return path, _xml(archive, path)


def _chapters(archive: zipfile.ZipFile) -> list[ElementTree.Element]:
    return [_xml(archive, n) for n in archive.namelist() if re.search(r"chapter-\d+\.xhtml$", n)]


def _text(element: ElementTree.Element) -> str:
    return "".join(element.itertext())


def test_mimetype_comes_first_and_stored(books: Books) -> None:
    data = to_epub(books[0], Options(), books[1])
    # OCF: the first local header is `mimetype`, uncompressed, no extra field, so that its
    # content stands at byte 38.
    assert data[:4] == b"PK\x03\x04"
    assert data[30:38] == b"mimetype"
    assert data[38 : 38 + len(MEDIA_TYPE)] == MEDIA_TYPE.encode("ascii")
    archive = _open(data)
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert first.extra == b""
    assert archive.read("mimetype") == MEDIA_TYPE.encode("ascii")
    assert archive.testzip() is None


def test_every_xml_file_is_well_formed(books: Books) -> None:
    archive = _open(to_epub(books[0], Options(tone_colors=True), books[1]))
    names = [n for n in archive.namelist() if n.endswith((".xhtml", ".opf", ".xml"))]
    assert len([n for n in names if n.endswith(".xhtml")]) == 3  # nav + two chapters
    for name in names:
        ElementTree.fromstring(archive.read(name))


def test_traditional_book_names_its_script(tmp_path_factory: pytest.TempPathFactory) -> None:
    traditional = parse("銀行\n\n我們覺得這個問題很重要。", "trad.txt")
    simple = parse("银行\n\n我们觉得这个问题很重要。", "simple.txt")
    both, _ = build([*traditional, *simple], Options(), FakeTranslator())
    alone = both[:1]
    for articles, book, chapters in [
        (alone, "zh-Hant", ["zh-Hant"]),
        (both, "zh-Hans", ["zh-Hant", "zh-Hans"]),
    ]:
        archive = _open(to_epub(articles, Options()))
        _, package = _package(archive)
        languages = [e.text for e in package.findall("opf:metadata/dc:language", NS)]
        assert languages[0] == book
        xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
        assert [c.attrib[xml_lang] for c in _chapters(archive)] == chapters


def test_package_document(books: Books) -> None:
    articles, vocab = books
    archive = _open(
        to_epub(articles, Options(), vocab, modified=datetime.datetime(2024, 3, 1, 12, 30))
    )
    path, package = _package(archive)
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    assert package.attrib["version"] == "3.0"
    identifier = package.find(
        f"opf:metadata/dc:identifier[@id='{package.attrib['unique-identifier']}']", NS
    )
    assert identifier is not None and identifier.text
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier.text)
    languages = [e.text for e in package.findall("opf:metadata/dc:language", NS)]
    assert languages[0] == "zh-Hans"
    title = package.findtext("opf:metadata/dc:title", namespaces=NS) or ""
    assert title.startswith(articles[0].title) and "1 more" in title
    modified = package.find("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    assert modified is not None and modified.text == "2024-03-01T12:30:00Z"
    assert ATTRIBUTION in (package.findtext("opf:metadata/dc:rights", namespaces=NS) or "")
    items = {i.attrib["id"]: i.attrib for i in package.findall("opf:manifest/opf:item", NS)}
    for item in items.values():
        assert folder + item["href"] in archive.namelist()
    assert [i for i in items.values() if i.get("properties") == "nav"]
    assert any(i["media-type"] == "text/css" for i in items.values())
    spine = [r.attrib["idref"] for r in package.findall("opf:spine/opf:itemref", NS)]
    assert len(spine) == len(articles)
    nav = _xml(archive, folder + next(i["href"] for i in items.values() if i.get("properties")))
    links = nav.findall(".//x:nav//x:a", NS)
    assert [a.text for a in links] == [a.title for a in articles]
    assert [a.attrib["href"] for a in links] == [items[i]["href"] for i in spine]


def test_chapters_have_ruby_with_fallback_and_english_under_chinese(
    books: Books,
) -> None:
    articles, vocab = books
    chapter = _chapters(_open(to_epub(articles, Options(), vocab)))[0]
    bank = next(
        w for p in articles[0].paragraphs for s in p.sentences for w in s.words if w.text == "银行"
    )
    rubies = chapter.findall(".//x:ruby", NS)
    assert rubies
    ruby = next(r for r in rubies if (r.text or "") == "银行")
    assert [e.tag.split("}")[1] for e in ruby] == ["rp", "rt", "rp"]
    # Without ruby support a reader shows 银行(yínháng).
    assert (
        _text(ruby) == f"银行({written(bank.reading, articles[0].pinyin_style)})" == "银行(yínháng)"
    )
    blocks = [e for e in chapter.iter() if "zh" in e.attrib.get("class", "").split()]
    for paragraph, block in zip(
        [p for p in articles[0].paragraphs if p.kind != "code"], blocks, strict=True
    ):
        following = _following(chapter, block)
        if paragraph.translation:
            assert following is not None
            assert following.attrib["class"].split()[0] == "en"
            assert _text(following) == paragraph.translation
            assert following.attrib["lang"] == "en"


def _following(
    root: ElementTree.Element, element: ElementTree.Element
) -> ElementTree.Element | None:
    for parent in root.iter():
        children = list(parent)
        if element in children:
            index = children.index(element)
            return children[index + 1] if index + 1 < len(children) else None
    return None


def test_text_is_escaped(books: Books) -> None:
    chapter = _chapters(_open(to_epub(books[0], Options(), books[1])))[0]
    assert chapter.find(".//x:b", NS) is None
    # Raw HTML in Markdown is dropped, its text kept (the entity read as the character).
    assert "<b>" not in _text(chapter) and " & “" in _text(chapter)
    code = chapter.find(".//x:pre", NS)
    assert code is not None and _text(code) == 'print("<不是中文>")'


def test_vocabulary_and_attribution(books: Books) -> None:
    articles, vocab = books
    chapters = _chapters(_open(to_epub(articles, Options(), vocab)))
    assert any(i.definition for i in vocab[0])
    for number, (chapter, items) in enumerate(zip(chapters, vocab, strict=True), start=1):
        terms = chapter.findall(".//x:dl/x:dt", NS)
        assert [_text(t).split(" ")[0] for t in terms] == [i.text for i in items]
        definitions = [_text(d) for d in chapter.findall(".//x:dl/x:dd", NS)]
        assert definitions == [i.definition or "—" for i in items]
        # CC-CEDICT's attribution once per book, at the end of the last chapter.
        assert (ATTRIBUTION in _text(chapter)) == (number == len(chapters))
    plain = _open(to_epub(articles, Options()))
    assert all(c.find(".//x:dl", NS) is None for c in _chapters(plain))
    assert all(ATTRIBUTION not in _text(c) for c in _chapters(plain))
    _, package = _package(plain)
    assert package.find("opf:metadata/dc:rights", NS) is None


def test_student_copy_has_no_pinyin_and_no_english(
    books: Books,
) -> None:
    options = Options(show_pinyin=False, show_translation=False)
    for chapter in _chapters(_open(to_epub(books[0], options))):
        assert chapter.find(".//x:ruby", NS) is None
        assert not [e for e in chapter.iter() if "en" in e.attrib.get("class", "").split()]


def test_a_title_can_be_given(books: Books) -> None:
    _, package = _package(_open(to_epub(books[0], Options(), title="Spring <reading>")))
    assert package.findtext("opf:metadata/dc:title", namespaces=NS) == "Spring <reading>"


def test_same_input_same_bytes(books: Books) -> None:
    articles, vocab = books
    first = to_epub(articles, Options(), vocab)
    assert to_epub(articles, Options(), vocab) == first
    other = to_epub(articles[:1], Options(), vocab[:1])
    ids = [
        _package(_open(book))[1].findtext("opf:metadata/dc:identifier", namespaces=NS)
        for book in (first, other)
    ]
    assert ids[0] != ids[1]
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in _open(first).infolist())


def test_untitled_article_and_control_characters() -> None:
    sentence = AnnotatedSentence("好\x0b。", (Word("好", ("hao3",)), Word("\x0b。", pos="x")))
    article = AnnotatedArticle("notes/untitled.txt", (AnnotatedParagraph("text", (sentence,)),))
    archive = _open(to_epub([article], Options()))
    [chapter] = _chapters(archive)
    heading = chapter.find(".//x:h1", NS)
    assert heading is not None and _text(heading) == "untitled"
    assert "\x0b" not in archive.read(archive.namelist()[-1]).decode("utf-8")


def test_mismatched_vocabulary_is_refused(books: Books) -> None:
    with pytest.raises(ValueError, match="2 articles"):
        to_epub(books[0], Options(), books[1][:1])
    with pytest.raises(ValueError, match="at least one"):
        to_epub([], Options())


def _epubcheck() -> list[str] | None:
    """The epubcheck command; Debian's is a jar that needs binfmt support, so run it by java."""
    found = shutil.which("epubcheck")
    if found is None:
        return None
    real = Path(found).resolve()
    with real.open("rb") as handle:
        is_jar = handle.read(2) == b"PK"
    if not is_jar:
        return [found]
    java = shutil.which("java")
    return [java, "-jar", str(real)] if java else None


def test_epubcheck_finds_nothing(books: Books, tmp_path: Path) -> None:
    command = _epubcheck()
    if command is None:
        pytest.skip("epubcheck is not installed (Debian package `epubcheck`; `make setup`)")
    book = tmp_path / "book.epub"
    book.write_bytes(to_epub(books[0], Options(tone_colors=True), books[1]))
    result = subprocess.run(
        [*command, str(book)], capture_output=True, text=True, timeout=300, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No errors or warnings detected" in report, report


def test_one_file_of_several_articles_gives_a_chapter_each() -> None:
    # A continuation line starts a new article within the same file.
    text = "第一篇\n\n今天下雨了。\n\n（上接第2版）\n\n第二篇\n\n明天是晴天。\n"
    articles, _ = build(parse(text, "paper.txt"), Options(), FakeTranslator())
    assert len(articles) == 2
    archive = _open(to_epub(articles, Options()))
    chapters = _chapters(archive)
    assert len(chapters) == 2
    assert "今天下雨了" in _plain(chapters[0]) and "明天是晴天" not in _plain(chapters[0])
    assert "明天是晴天" in _plain(chapters[1])
    _, package = _package(archive)
    assert len(package.findall("opf:spine/opf:itemref", NS)) == 2


def _plain(element: ElementTree.Element) -> str:
    """An element's text without the readings a ruby fallback puts in brackets."""
    return re.sub(r"\([^()]*\)", "", _text(element))


def _convert(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    code = main(["convert", *argv], translator=FakeTranslator(), stderr=err)
    return code, err.getvalue()


def _book(path: Path) -> tuple[list[str], list[str], list[ElementTree.Element]]:
    """A book's nav titles, spine hrefs and chapters in spine order."""
    archive = _open(path.read_bytes())
    opf, package = _package(archive)
    folder = opf.rsplit("/", 1)[0] + "/"
    items = {i.attrib["id"]: i.attrib for i in package.findall("opf:manifest/opf:item", NS)}
    spine = [items[r.attrib["idref"]]["href"] for r in package.findall("opf:spine/opf:itemref", NS)]
    nav = _xml(archive, folder + next(i["href"] for i in items.values() if i.get("properties")))
    titles = [a.text or "" for a in nav.findall(".//x:nav//x:a", NS)]
    return titles, spine, [_xml(archive, folder + href) for href in spine]


def _lesson(number: int) -> str:
    return f"第{number}课\n\n春天来了，我们去公园。\n\n这是第{number}篇文章，银行在公园旁边。\n"


def test_combine_epub_binds_a_folder_into_one_book(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    # File names sort in the opposite order from the lesson numbers: the book follows the files.
    for number, name in ((2, "a.txt"), (0, "b.txt"), (1, "c.txt")):
        (src / name).write_text(_lesson(number), encoding="utf-8")
    out = tmp_path / "out"
    book = out / "Spring term.epub"
    argv = [str(src), "-o", str(out), "-f", "html,epub", "--level", "1", "--combine", str(book)]
    code, err = _convert(argv)
    assert code == 0, err
    titles, spine, chapters = _book(book)
    assert titles == ["第2课", "第0课", "第1课"]
    assert len(spine) == 3 and len(set(spine)) == 3
    for number, chapter in zip((2, 0, 1), chapters, strict=True):
        text = _plain(chapter)
        assert f"这是第{number}篇文章" in text
        assert f"第{number}课" in text
        assert chapter.find(".//x:ruby", NS) is not None
        assert chapter.find(".//x:dl/x:dt", NS) is not None  # --level 1: a vocabulary list
    book_text = "".join(_text(c) for c in chapters)
    assert book_text.count(ATTRIBUTION) == 1 and ATTRIBUTION in _text(chapters[-1])
    _, package = _package(_open(book.read_bytes()))
    # The book is titled after the input folder ("in"), not after the file ("Spring term").
    assert package.findtext("opf:metadata/dc:title", namespaces=NS) == "in"
    # The per-article EPUBs are still written beside it.
    assert {p.name for p in out.glob("*.epub")} == {"a.epub", "b.epub", "c.epub", book.name}

    # Everything up to date: the sheets are skipped, the book still holds every chapter.
    book.unlink()
    stamp = (out / "a.html").stat().st_mtime_ns
    code, err = _convert(argv)
    assert code == 0, err
    assert "3 up to date" in err
    assert (out / "a.html").stat().st_mtime_ns == stamp
    again_titles, _, again = _book(book)
    assert again_titles == titles
    assert [_text(c) for c in again] == [_text(c) for c in chapters]

    # One source changed, two up to date: still three chapters, in the files' order.
    (src / "b.txt").write_text(_lesson(7), encoding="utf-8")
    code, err = _convert(argv)
    assert code == 0, err
    assert "2 up to date" in err
    titles, _, chapters = _book(book)
    assert titles == ["第2课", "第7课", "第1课"]
    assert "这是第7篇文章" in _plain(chapters[1])


def test_combine_epub_without_epub_format_and_with_student_copy(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "one.txt").write_text(_lesson(1), encoding="utf-8")
    # One file holding two articles: a chapter each.
    (src / "two.txt").write_text(_lesson(2) + "\n（上接第2版）\n\n" + _lesson(3), encoding="utf-8")
    out = tmp_path / "out"
    book = tmp_path / "book.epub"
    code, err = _convert(
        [str(src), "-o", str(out), "--copies", "teacher,student", "--combine", str(book)]
    )
    assert code == 0, err
    assert not list(out.glob("*.epub"))  # only html asked for: no per-article EPUBs
    assert sorted(p.name for p in out.glob("*.html")) == [
        "index.html",
        "one-student.html",
        "one.html",
        "two-1-student.html",
        "two-1.html",
        "two-2-student.html",
        "two-2.html",
    ]
    titles, _, chapters = _book(book)
    assert titles == ["第1课", "第2课", "第3课"]
    assert all(c.find(".//x:ruby", NS) is not None for c in chapters)
    student_titles, _, student = _book(tmp_path / "book-student.epub")
    assert student_titles == titles
    for chapter in student:
        assert chapter.find(".//x:ruby", NS) is None
        assert not [e for e in chapter.iter() if "en" in e.attrib.get("class", "").split()]
        assert chapter.find(".//x:dl/x:dt", NS) is not None  # students get the vocabulary


def test_combined_book_passes_epubcheck(tmp_path: Path) -> None:
    command = _epubcheck()
    if command is None:
        pytest.skip("epubcheck is not installed (Debian package `epubcheck`; `make setup`)")
    src = tmp_path / "in"
    (src / "week2").mkdir(parents=True)
    for number, name in ((1, "one.txt"), (2, "week2/two.md"), (3, "week2/three.txt")):
        (src / name).write_text(_lesson(number), encoding="utf-8")
    book = tmp_path / "book.epub"
    argv = [str(src), "-o", str(tmp_path / "out"), "--level", "2", "--tone-colors"]
    code, err = _convert([*argv, "--combine", str(book)])
    assert code == 0, err
    assert len(_book(book)[2]) == 3
    result = subprocess.run(
        [*command, str(book)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No errors or warnings detected" in report, report


def test_title_option_names_the_book_and_the_index(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for number in range(2):
        (src / f"l{number}.txt").write_text(_lesson(number), encoding="utf-8")
    out = tmp_path / "out"
    book = out / "book.epub"
    argv = [
        str(src),
        "-o",
        str(out),
        "-f",
        "html",
        "--combine",
        str(book),
        "--title",
        "第三周 <Week 3>",
    ]
    code, err = _convert(argv)
    assert code == 0, err
    _, package = _package(_open(book.read_bytes()))
    assert package.findtext("opf:metadata/dc:title", namespaces=NS) == "第三周 <Week 3>"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>第三周 &lt;Week 3&gt;</title>" in index
    assert '<a href="book.epub">book.epub</a>' in index
