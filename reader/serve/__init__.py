"""`reader serve`: a local web app to make, read and correct study sheets in a browser."""

from __future__ import annotations

import errno
import ipaddress
import secrets
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from reader.errors import ReaderError, UsageError

if TYPE_CHECKING:
    from reader.serve.app import ServeConfig
    from reader.translate.protocol import Translator

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether a host name or address reaches only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    config: ServeConfig,
    host: str,
    port: int,
    err: IO[str],
    open_browser: bool = False,
    translator: Translator | None = None,
    ready: Callable[[str], None] | None = None,
) -> int:
    """Run the web app until Ctrl-C; prints where it runs. Returns the exit code."""
    import dataclasses
    import logging

    from werkzeug.serving import make_server

    from reader.serve.app import create_app

    token = config.token
    if not is_loopback(host) and not token:
        # As Jupyter does: reachable from other machines only with a secret in the URL.
        token = secrets.token_urlsafe(24)
    if token is not None and not token.strip():
        raise UsageError("--token is empty; give a secret word or leave --token out")
    config = dataclasses.replace(config, token=token, loopback=is_loopback(host))
    app = create_app(config, translator)
    # werkzeug logs every request to the terminal; the user needs only the address and errors
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        # Bound here, not by werkzeug, which prints and exits when the port is taken.
        listener = socket.create_server((host, port), family=family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ReaderError(
                f"port {port} on {host} is in use (another 'reader serve'?); "
                "choose another with --port"
            ) from None
        raise ReaderError(
            f"can't listen on {host}:{port} ({exc.strerror or exc}); check --host and --port"
        ) from None
    try:
        server = make_server(host, port, app, threaded=True, fd=listener.fileno())
    finally:
        listener.close()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    url = f"http://{shown}:{server.socket.getsockname()[1]}/"
    if token:
        url += f"?token={token}"
    print(f"reader is running at {url} (Ctrl-C stops it)", file=err, flush=True)
    if host in ("0.0.0.0", "::"):
        print(
            "reader: listening on every network interface; anyone with the token can use it",
            file=err,
            flush=True,
        )
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    if ready is not None:
        ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["reader"]["worker"].close(timeout=2.0)
    print("reader stopped", file=err, flush=True)
    return 0
