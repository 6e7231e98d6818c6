"""``nemo-widgets serve``: the local engine alone, NemoVideo's API on this machine."""

from __future__ import annotations

import argparse
import sys


def add_options(parser: argparse.ArgumentParser) -> None:
    """The engine's safety and capacity options (address, port, data and credits are set up
    with it)."""
    parser.add_argument(
        "--render-workers",
        type=_positive,
        default=None,
        metavar="N",
        help="renders to run at once (default: one per 4 CPU cores, at least one; the cores "
        "are shared out between them)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer to this Host name, e.g. the name a proxy such as "
        "jupyter-server-proxy forwards with (repeat for several)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URL uploads fetch from this machine and private networks (off: only public "
        "internet addresses)",
    )
    parser.add_argument(
        "--keep-photo-metadata",
        action="store_true",
        help="keep photos' metadata (GPS location, camera) and any bytes after the picture "
        "(off: removed when a photo is uploaded)",
    )
    parser.add_argument(
        "--no-previews",
        action="store_true",
        help="render no previews, whatever a session asks (on: a session that asks, as "
        "NemoStudio does, gets a small preview after each turn that changes the video, for a "
        "fraction of an export's CPU per change)",
    )
    parser.add_argument(
        "--no-speculative-export",
        action="store_true",
        help="do not start the export of a draft left alone for half a second, in any session (on: "
        "Export is then often done before it is clicked, at the cost of CPU while you read and "
        "type; a session can turn it off for itself)",
    )


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return number


def serve(args: argparse.Namespace) -> int:
    from ..engine.app import EngineConfig
    from ..engine.server import serve as run_engine

    config = EngineConfig(
        render_workers=getattr(args, "render_workers", None),
        allowed_hosts=tuple(getattr(args, "allow_host", None) or ()),
        allow_private_urls=bool(getattr(args, "allow_private_urls", False)),
        keep_photo_metadata=bool(getattr(args, "keep_photo_metadata", False)),
        previews=not getattr(args, "no_previews", False),
        speculative_export=not getattr(args, "no_speculative_export", False),
    )
    try:
        run_engine(args.host, args.port, args.data, args.credits, config=config)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a server is meant to stop
    return 0
