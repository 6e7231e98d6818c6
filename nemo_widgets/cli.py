"""The ``nemo-widgets`` command line."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .api import NemoClient, NemoError
from .config import Settings


def _info(args: argparse.Namespace) -> int:
    """Which server and identity a client would use, without contacting anything."""
    settings = Settings.resolve()
    token = "from NEMO_TOKEN (hidden)" if settings.token else "anonymous (fetched on first use)"
    print(f"nemo-widgets {__version__}")
    print(f"server:       {settings.base_url}")
    print(f"token:        {token}")
    print(f"config dir:   {settings.config_dir}")
    print(f"attribution:  {settings.skill_source} {settings.skill_version}")
    print(f"platform:     {settings.skill_platform}")
    return 0


def _credits(args: argparse.Namespace) -> int:
    with NemoClient() as nemo:
        credits = nemo.credits()
    print(f"available {credits.available:g}, frozen {credits.frozen:g}, total {credits.total:g}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nemo-widgets", description="Turn photos into videos by chatting."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="show the server and identity in use").set_defaults(run=_info)
    commands.add_parser("credits", help="show the credit balance").set_defaults(run=_credits)
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
