"""The ``nemo-widgets`` command line: ``make``, ``studio``, ``serve``, ``credits``, ``info``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._version import __version__
from ..api import AuthError, ExportBlocked, FileTooLarge, NemoError, OutOfCredits, UnsupportedFile
from ..config import default_data_dir
from . import account, make, serve, studio
from .studio import STARTER_NOTEBOOK, write_starter_notebook
from .usage import ACCOUNT, FAILED, INTERRUPTED, USAGE, UsageError

__all__ = ["STARTER_NOTEBOOK", "main", "write_starter_notebook"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nemo-widgets", description="Turn photos into videos by chatting."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    make.add_parser(commands)

    studio_parser = commands.add_parser(
        "studio", help="open NemoStudio in JupyterLab, on a notebook or a starter one"
    )
    studio_parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        help=f"a notebook to open, or a folder to put {STARTER_NOTEBOOK} in (default: here)",
    )
    studio_parser.add_argument("--port", type=int, default=8888, help="JupyterLab's port")
    studio_parser.add_argument(
        "--no-browser", action="store_true", help="only print the address to open"
    )
    studio_parser.set_defaults(run=studio.studio)

    serve_parser = commands.add_parser(
        "serve", help="run the local engine (NemoVideo's API on this machine)"
    )
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve_parser.add_argument("--port", type=int, default=8765, help="port (0: any free one)")
    serve_parser.add_argument(
        "--data", type=Path, help=f"data folder (default: {default_data_dir()})"
    )
    serve_parser.add_argument(
        "--credits", type=float, help="credit budget per user (default: unlimited)"
    )
    serve.add_options(serve_parser)
    serve_parser.set_defaults(run=serve.serve)

    commands.add_parser("credits", help="show the credit balance").set_defaults(run=account.credits)
    commands.add_parser("info", help="show the server and identity in use").set_defaults(
        run=account.info
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, UnsupportedFile, FileTooLarge) as exc:
        # A mistake the user can fix in the command: no traceback, just what to do.
        return _fail(exc, USAGE)
    except (OutOfCredits, AuthError, ExportBlocked) as exc:
        link = getattr(exc, "link", None)
        return _fail(exc, ACCOUNT, f"\n  {link}" if link else "")
    except NemoError as exc:
        return _fail(exc, FAILED)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return INTERRUPTED


def _fail(exc: BaseException, code: int, extra: str = "") -> int:
    print(f"error: {exc}{extra}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
