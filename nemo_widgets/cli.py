"""The ``nemo-widgets`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .api import NemoClient, NemoError
from .config import LOCAL, Settings, default_data_dir


def _info(args: argparse.Namespace) -> int:
    """Which server and identity a client would use, without contacting anything."""
    settings = Settings.resolve()
    token = "from NEMO_TOKEN (hidden)" if settings.token else "anonymous (fetched on first use)"
    print(f"nemo-widgets {__version__}")
    backend = settings.backend
    if settings.base_url == LOCAL:
        backend = f"local engine, started on first use (data: {default_data_dir()})"
        if not settings.token:
            backend += "\n              because no NEMO_TOKEN or NEMO_API_URL is set"
    print(f"backend:      {backend}")
    print(f"token:        {token}")
    print(f"config dir:   {settings.config_dir}")
    print(f"attribution:  {settings.skill_source} {settings.skill_version}")
    print(f"platform:     {settings.skill_platform}")
    return 0


def _credits(args: argparse.Namespace) -> int:
    with NemoClient() as nemo:
        credits = nemo.credits()
    print(f"credits: {credits} ({nemo.backend})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .engine.server import serve

    try:
        serve(args.host, args.port, args.data, args.credits)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a server is meant to stop
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nemo-widgets", description="Turn photos into videos by chatting."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="show the server and identity in use").set_defaults(run=_info)
    commands.add_parser("credits", help="show the credit balance").set_defaults(run=_credits)
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
    serve_parser.set_defaults(run=_serve)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except NemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
