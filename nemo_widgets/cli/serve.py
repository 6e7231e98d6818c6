"""``nemo-widgets serve``: the local engine alone, NemoVideo's API on this machine."""

from __future__ import annotations

import argparse
import sys


def serve(args: argparse.Namespace) -> int:
    from ..engine.server import serve as run_engine

    try:
        run_engine(args.host, args.port, args.data, args.credits)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a server is meant to stop
    return 0
