"""``suitability serve``: the web app, on this machine's loopback address unless told otherwise.

Health answers must not cross a clinic's Wi-Fi in clear text: listening on any other address
needs a TLS certificate and key, or ``--insecure-http``, which prints a warning.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

# logging, socket and ipaddress load with `serve` only: every other command builds this
# module's parser too, and would pay for them at each start.
if TYPE_CHECKING:
    import socket

__all__ = ["add_commands", "cmd_serve"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
DEFAULT_PORT = 8765
EXIT_TERMINATED = 143


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        print("error: --tls-cert and --tls-key go together; give both.", file=sys.stderr)
        return EXIT_USAGE
    tls = bool(args.tls_cert)
    for option, path in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
        if path and not Path(path).is_file():
            print(f"error: {option}: {path}: no such file", file=sys.stderr)
            return EXIT_USAGE
    if not _loopback(args.host) and not tls:
        if not args.insecure_http:
            print(
                f"error: listening on {args.host} would send health answers across the network "
                "in clear text. Give --tls-cert and --tls-key (see the README's section for a "
                "clinic), or --insecure-http if this network is yours alone.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(
            "warning: serving on the network WITHOUT encryption (--insecure-http): anyone on "
            "this network can read the answers sent.",
            file=sys.stderr,
        )

    from .web.settings import default_db_path, load_settings
    from .web.store import Store

    settings = load_settings(args.settings)
    questionnaire = _questionnaire(args.questionnaire)
    store = Store.open(args.db or default_db_path())
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        store.close()
        print(
            f"error: cannot listen on {args.host} port {args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from .web.app import create_app

    app = create_app(settings, store, questionnaire, kiosk=args.kiosk, tls=tls)
    port = sock.getsockname()[1]
    scheme = "https" if tls else "http"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    what = "kiosk intake" if args.kiosk else "screening"
    # uvicorn finishes the requests in flight on SIGTERM, then raises the signal again: this
    # handler turns that into an ordinary exit, so the database is closed cleanly. It is in
    # place before the address is printed: whoever reads that line may stop the server at once.
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        print(f"Serving the {what} at {scheme}://{shown}:{port}/  (Ctrl-C to stop)", flush=True)
        print(f"Records: {store.path}", flush=True)
        _run(app, sock, args)
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()
    return EXIT_OK


def _stopped(_signum: int, _frame: Any) -> None:
    raise SystemExit(EXIT_TERMINATED)


def _questionnaire(path: str | None) -> Any:
    from .questionnaire import default_questionnaire, load_questionnaire

    return load_questionnaire(path) if path else default_questionnaire()


def _bind(host: str, port: int) -> socket.socket:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _run(app: Any, sock: socket.socket, args: argparse.Namespace) -> None:
    import logging

    import uvicorn

    # The app logs each request itself (method, path, status, time): never a query string or
    # a body. uvicorn's own access log is off, its errors are kept.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])


def add_commands(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the screening, kiosk and practitioner's desk")
    p.add_argument("--db", metavar="PATH", help="records database (default: your state folder)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: any free port)",
    )
    p.add_argument("--kiosk", action="store_true", help="front-desk tablet mode")
    p.add_argument("--settings", metavar="FILE", help="the clinic's settings file (YAML)")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM)")
    p.add_argument("--tls-key", metavar="FILE", help="TLS private key (PEM)")
    p.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain HTTP on a non-loopback address (prints a warning)",
    )
    p.set_defaults(func=cmd_serve)
