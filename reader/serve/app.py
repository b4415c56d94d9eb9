"""The Flask app of `reader serve`: convert, read, download, list, delete and correct sheets."""

from __future__ import annotations

import dataclasses
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, send_file
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from reader._version import __version__
from reader.errors import InputError, ReaderError, UsageError
from reader.model import PinyinStyle
from reader.options import FORMATS, Options
from reader.render.common import template_dirs
from reader.serve.fixes import Fixes
from reader.serve.jobs import Report, Worker
from reader.serve.sheets import LABELS, Settings, SheetStore, options_for
from reader.source.decode import decode
from reader.source.discover import SOURCE_SUFFIXES
from reader.translate.protocol import Translator
from reader.translate.registry import make_translator

PINYIN_STYLES = get_args(PinyinStyle)
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_COOKIE = "reader-token"

# The app's own pages load only their own script and style; a sheet runs its inline script.
_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
_SHEET_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """How the web app works: where things go, what it accepts, what it translates with."""

    output_dir: Path = Path("output")
    """Where sheets are written (and listed from)."""
    fixes_dir: Path = Path("fixes")
    """Folder of the user's readings and words files."""
    options: Options = dataclasses.field(default_factory=Options)
    """The server's own settings (cache, models folder, model, template folder …)."""
    token: str | None = None
    """When set, every request must carry it (once in the URL, then as a cookie)."""
    loopback: bool = True
    """Bound to this machine only: then requests must name it (no DNS rebinding)."""
    max_text_bytes: int = 1_000_000
    """Largest text accepted, pasted or in one file."""
    max_files: int = 10
    """Most files in one upload."""
    models: tuple[str, ...] = ()
    """Translation models offered besides the default one."""
    engines: tuple[str, ...] = ("auto",)
    """Translation engines offered; the first is the default."""


def create_app(
    config: ServeConfig,
    translator: Translator | None = None,
    translator_factory: Callable[[Options], Translator] | None = None,
) -> Flask:
    """The web app; `translator` (one for every model) or the factory are injectable for tests."""
    app = _App(__name__, template_folder=None, static_folder=None)
    folders = [d / "serve" for d in template_dirs(config.options.template_dir)]
    folders = [f for f in folders if f.is_dir()]
    import jinja2

    app.jinja_loader = jinja2.FileSystemLoader([str(f) for f in folders])
    app.config["MAX_CONTENT_LENGTH"] = config.max_files * config.max_text_bytes + 256_000
    app.config["MAX_FORM_MEMORY_SIZE"] = config.max_text_bytes + 16_000
    state = _State(
        config=config,
        folders=tuple(folders),
        csrf=secrets.token_urlsafe(32),
        store=SheetStore(config.output_dir),
        fixes=Fixes(config.fixes_dir, config.options.cache_dir),
        worker=Worker(),
        translator=translator,
        translator_factory=translator_factory,
    )
    app.extensions["reader"] = {
        "worker": state.worker,
        "store": state.store,
        "fixes": state.fixes,
        "csrf": state.csrf,
    }
    _add_guards(app, state)
    _add_errors(app, state)
    _add_pages(app, state)
    _add_jobs(app, state)
    _add_sheets(app, state)
    _add_corrections(app, state)
    return app


@dataclass(frozen=True, slots=True)
class _State:
    """What the routes share: the settings, the sheets, the fixes, the worker, the translators."""

    config: ServeConfig
    """The server's settings."""
    folders: tuple[Path, ...]
    """Template folders of the app's own pages (and their script and style)."""
    csrf: str
    """The token every form and API call must send back."""
    store: SheetStore
    """The sheets made so far."""
    fixes: Fixes
    """The user's readings and words."""
    worker: Worker
    """Runs the conversions, one at a time."""
    translator: Translator | None
    """One translator for every model (tests), or None: made per model and engine."""
    translator_factory: Callable[[Options], Translator] | None
    """Makes a translator for the options (None: the registry's)."""
    translators: dict[tuple[str, str], Translator] = dataclasses.field(default_factory=dict)
    """Translators made so far, by model and engine."""
    translators_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    """Held while a translator is looked up or made."""

    def translator_for(self, options: Options) -> Translator | None:
        """The translator for these options: made once per model and engine, then shared."""
        if not (options.translate and options.show_translation):
            return None
        if self.translator is not None:
            return self.translator
        with self.translators_lock:
            key = (options.model, options.engine)
            if key not in self.translators:
                self.translators[key] = (self.translator_factory or make_translator)(options)
            return self.translators[key]

    def base_options(self) -> Options:
        """The server's options with the user's fixes as they are now."""
        return dataclasses.replace(
            self.config.options,
            output_dir=self.config.output_dir,
            pinyin_overrides=self.fixes.overrides(),
            user_dict=self.fixes.user_dict(),
            jobs=1,
        )

    def make_work(self, records: list[str]) -> Callable[[Report], tuple[list[str], list[str]]]:
        """A job that makes the sheets of these records, each with its own settings."""

        def work(report: Report) -> tuple[list[str], list[str]]:
            names: list[str] = []
            warnings: list[str] = []
            for number, record in enumerate(records, start=1):
                if len(records) > 1:
                    report(f"step:file {number} of {len(records)}", 0, 0)
                base = self.base_options()

                options = options_for(self.store.settings(record), base)
                made, warned = self.store.make(record, base, self.translator_for(options), report)
                names += made
                warnings += [w for w in warned if w not in warnings]
            return names, warnings

        return work

    def page(self, name: str, status: int = 200, **context: Any) -> Response:
        """One of the app's pages, rendered."""
        body = render_template(
            name,
            csrf=self.csrf,
            version=__version__,
            labels=LABELS,
            config=self.config,
            undo=self.fixes.last(),
            **context,
        )
        return Response(body, status=status, mimetype="text/html")

    def home(
        self, status: int = 200, error: str = "", settings: Settings | None = None
    ) -> Response:
        """The home page: the form and the list of sheets."""
        config = self.config
        return self.page(
            "home.html.j2",
            status,
            error=error,
            sheets=self.store.sheets(),
            active=self.worker.active(),
            settings=settings or Settings(formats=("html", "pdf")),
            styles=PINYIN_STYLES,
            models=(config.options.model, *[m for m in config.models if m != config.options.model]),
            engines=config.engines,
            translate_on=config.options.translate,
        )

    def check_csrf(self) -> None:
        """Refuse a form or API call that does not carry this server's token."""
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf") or ""
        if not hmac.compare_digest(sent.encode(), self.csrf.encode()):
            abort(
                403,
                "the form is out of date (missing or wrong security token); "
                "reload the page and try again",
            )


def _add_guards(app: Flask, state: _State) -> None:
    """Every request: named by this machine's host (when bound to it), carrying the token
    (when one is set); every response: the security headers."""
    config = state.config

    @app.before_request
    def guard() -> Response | None:
        if config.loopback:
            _check_host(request.host or "")
        if config.token:
            return _check_token(config.token)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _APP_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def _check_host(named: str) -> None:
    """Refuse a request whose Host is not this machine (DNS rebinding)."""
    host = named.rsplit(":", 1)[0] if "]" not in named else named.split("]")[0] + "]"
    if host not in _LOOPBACK:
        abort(403, f"this reader answers only to 127.0.0.1 or localhost, not {host!r}")


def _check_token(token: str) -> Response | None:
    """Take the token from the URL once (into a cookie, then redirect), or refuse a request
    without it."""
    given = request.args.get("token")
    if given is not None and hmac.compare_digest(given.encode(), token.encode()):
        response = redirect(request.path, code=303)
        response.set_cookie(_COOKIE, token, httponly=True, samesite="Strict")
        return response  # type: ignore[return-value]
    cookie = request.cookies.get(_COOKIE, "")
    if not hmac.compare_digest(cookie.encode(), token.encode()):
        abort(
            403,
            "this reader needs its token: open the address 'reader serve' printed "
            "(it ends in ?token=…)",
        )
    return None


def _add_errors(app: Flask, state: _State) -> None:
    """Errors as one message: JSON for the API, a page for the browser."""
    config = state.config

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if isinstance(exc, RequestEntityTooLarge):
            limit = config.max_text_bytes // 1000
            message = (
                f"the upload is too large: at most {config.max_files} files of {limit:,} KB "
                "each in one go; send fewer or smaller files"
            )
            status = 413
        else:
            message = str(exc.description or exc.name)
            status = exc.code or 500
        if request.path.startswith("/api/"):
            return _json({"error": message}, status)
        if request.path == "/convert" and status == 413:
            return state.home(413, error=message)
        return state.page("error.html.j2", status, message=message, title=exc.name)

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        app.logger.exception("request %s failed", request.path)
        message = (
            f"internal error: {type(exc).__name__}; the terminal running 'reader serve' "
            "shows the details (please report it)"
        )
        if request.path.startswith("/api/"):
            return _json({"error": message}, 500)
        return state.page("error.html.j2", 500, message=message, title="Internal error")


def _add_pages(app: Flask, state: _State) -> None:
    """The home page, its script and style, and Convert."""
    config = state.config

    @app.get("/")
    def index() -> Response:
        return state.home()

    @app.get("/static/<name>")
    def static_file(name: str) -> Response:
        types = {"app.js": "text/javascript", "app.css": "text/css"}
        if name not in types:
            abort(404, "no such file")
        for folder in state.folders:
            if (folder / name).is_file():
                response = send_file(folder / name, mimetype=types[name])
                response.headers["Cache-Control"] = "no-cache"
                return response
        abort(404, "no such file")

    @app.post("/convert")
    def convert() -> Response:
        state.check_csrf()
        try:
            settings = _settings(request.form, config)
        except ReaderError as exc:
            return state.home(400, error=str(exc))
        try:
            sources = _sources(request, config)
        except ReaderError as exc:
            return state.home(400, error=str(exc), settings=settings)
        records = [state.store.add_source(label, text, md, settings) for label, text, md in sources]
        label = sources[0][0] if len(sources) == 1 else f"{len(sources)} files"
        job = state.worker.submit("convert", label, state.make_work(records))
        return redirect(f"/job/{job}", code=303)  # type: ignore[return-value]


def _add_jobs(app: Flask, state: _State) -> None:
    """A job's page, and its status for the page's script."""
    worker = state.worker

    @app.get("/job/<job_id>")
    def job_page(job_id: str) -> Response:
        status = worker.status(job_id)
        if status is None:
            abort(404, "no such job (the server was restarted?); see the list of sheets")
        return state.page("job.html.j2", job=status, next=_next(status))

    @app.get("/api/job/<job_id>")
    def job_status(job_id: str) -> Response:
        status = worker.status(job_id)
        if status is None:
            abort(404, "no such job (the server was restarted?)")
        return _json({**status, "next": _next(status)})


def _add_sheets(app: Flask, state: _State) -> None:
    """A sheet's page, its files (shown or downloaded) and Delete."""
    store = state.store

    @app.get("/sheet/<name>")
    def sheet_page(name: str) -> Response:
        sheet = store.get(name)
        if sheet is None:
            abort(404, "no such sheet; it may have been deleted")
        return state.page("sheet.html.j2", sheet=sheet)

    @app.get("/files/<name>/<fmt>")
    def sheet_file(name: str, fmt: str) -> Response:
        sheet = store.get(name)
        wanted = request.args.get("copy", "teacher")
        files = [f for kind, f in (sheet.files if sheet else ()) if kind == fmt]
        # file names come from the sheet's record, never from the request
        chosen = [f for f in files if ("-student." in f) == (wanted == "student")]
        if sheet is None or not chosen:
            abort(404, "no such file; it may have been deleted")
        path = state.config.output_dir / chosen[0]
        download = request.args.get("download") == "1" or fmt != "html"
        response = send_file(
            path.resolve(),
            mimetype=_FILE_TYPES[fmt],
            as_attachment=download,
            download_name=Path(chosen[0]).name,
        )
        if fmt == "html":
            response.headers["Content-Security-Policy"] = _SHEET_CSP
        return response

    @app.post("/sheet/<name>/delete")
    def delete(name: str) -> Response:
        state.check_csrf()
        sheet = store.get(name)
        if sheet is None:
            abort(404, "no such sheet; it may have been deleted already")
        store.delete(sheet)
        return redirect("/", code=303)  # type: ignore[return-value]


def _add_corrections(app: Flask, state: _State) -> None:
    """Fix a word's reading or cut (then remake its sheet), and undo the last fix."""
    store, fixes, worker = state.store, state.fixes, state.worker

    @app.post("/api/fix")
    def fix() -> Response:
        state.check_csrf()
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            abort(400, "send the fix as JSON")
        sheet = store.get(str(data.get("sheet", "")))
        if sheet is None:
            abort(404, "no such sheet; it may have been deleted")
        try:
            done = _apply_fix(fixes, data, sheet.name)
        except ReaderError as exc:
            return _json({"error": str(exc)}, 400)
        job = worker.submit("fix", done, state.make_work([sheet.record]))
        return _json({"job": job, "done": done})

    @app.post("/api/undo")
    def undo() -> Response:
        state.check_csrf()
        try:
            name, what = fixes.undo()
        except ReaderError as exc:
            return _json({"error": str(exc)}, 400)
        sheet = store.get(name)
        records = [sheet.record] if sheet else []
        job = worker.submit("undo", f"undone: {what}", state.make_work(records))
        return _json({"job": job, "done": f"undone: {what}"})


def _apply_fix(fixes: Fixes, data: dict[str, Any], sheet: str) -> str:
    """Make the fix the request asks for (reading, split or join); returns what was done."""
    action = data.get("action")
    word = str(data.get("word", ""))
    if action == "reading":
        return fixes.set_reading(word, str(data.get("reading", "")), sheet)
    if action == "split":
        return fixes.split(word, str(data.get("pieces", "")).split(), sheet)
    if action == "join":
        return fixes.join([word, str(data.get("next", ""))], sheet)
    abort(400, "unknown fix: choose reading, split or join")


_FILE_TYPES = {
    "anki": "text/tab-separated-values",
    "json": "application/json",
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
    "html": "text/html",
}
"""The media type each format's files are sent with."""


class _App(Flask):
    """Flask that escapes every template, whatever its file name ends in."""

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Always on: article text and file names are data."""
        return True


def _json(data: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    return response


def _next(status: dict[str, Any]) -> str:
    """Where a finished job's page goes: the sheet it made, or the list."""
    if status["state"] != "done":
        return ""
    sheets = status["sheets"]
    return f"/sheet/{sheets[0]}" if len(sheets) == 1 else "/"


def _settings(form: Any, config: ServeConfig) -> Settings:
    """The form's options, each checked against what the CLI accepts."""

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = form.get(name, default)
        if value not in allowed:
            raise UsageError(f"unknown {name} '{value}'; choose from {', '.join(allowed)}")
        return str(value)

    level_text = choice("level", ("", "1", "2", "3", "4", "5", "6", "7"), "")
    formats = tuple(f for f in FORMATS if form.get(f"format_{f}") or f == "html")
    models = (config.options.model, *config.models)
    return Settings(
        pinyin=choice("pinyin", PINYIN_STYLES, "marks"),
        level=int(level_text) if level_text else None,
        layout=choice("layout", ("side", "stacked"), "side"),
        paper=choice("paper", ("a4", "letter"), "a4"),
        tone_colors=bool(form.get("tone_colors")),
        tone_sandhi=bool(form.get("tone_sandhi")),
        show_uncertain=bool(form.get("show_uncertain")),
        translate=bool(form.get("translate")),
        student=bool(form.get("student")),
        formats=formats,
        model=choice("model", models, config.options.model),
        engine=choice("engine", config.engines, config.engines[0]),
    )


def _sources(req: Any, config: ServeConfig) -> list[tuple[str, str, bool]]:
    """(label, text, markdown) of the pasted text and each uploaded file, checked."""
    limit = config.max_text_bytes
    sources: list[tuple[str, str, bool]] = []
    pasted = req.form.get("text", "")
    if pasted.strip():
        if len(pasted.encode("utf-8")) > limit:
            raise InputError(
                f"the pasted text is too long: at most {limit // 1000:,} KB; paste it in parts"
            )
        looks_markdown = any(line.startswith(("# ", "## ", "```")) for line in pasted.splitlines())
        sources.append(("pasted text", pasted, looks_markdown))
    uploads = [f for f in req.files.getlist("files") if f and f.filename]
    if len(uploads) > config.max_files:
        raise InputError(
            f"{len(uploads)} files at once: at most {config.max_files}; send them in parts"
        )
    for upload in uploads:
        # The name is shown and turned into a safe stem; it is never used as a path.
        label = str(upload.filename).replace("\\", "/").rsplit("/", 1)[-1][:100] or "file"
        suffix = "." + label.rsplit(".", 1)[-1].lower() if "." in label else ""
        if suffix not in SOURCE_SUFFIXES:
            raise InputError(
                f"{label}: reader reads .txt and .md files; save the text as .txt (UTF-8) and "
                "upload that"
            )
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise InputError(
                f"{label}: too large (over {limit // 1000:,} KB); split it into smaller files"
            )
        text = decode(data, label)
        if not text.strip():
            raise InputError(f"{label}: is empty; choose a file with Chinese text")
        sources.append((label, text, suffix in (".md", ".markdown")))
    if not sources:
        raise InputError("nothing to convert: paste Chinese text or choose .txt/.md files")
    return sources
