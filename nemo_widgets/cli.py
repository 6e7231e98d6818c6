"""The ``nemo-widgets`` command line."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
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


STARTER_NOTEBOOK = "nemo-studio.ipynb"
_STARTER_CELLS = [
    (
        "markdown",
        "# NemoStudio\n\n"
        "Drop photos on the widget (or use 📎), say what to make, for example *turn these images "
        "into a 15-second video with smooth transitions*, then press **Export** and watch the "
        "video here. Without a `NEMO_TOKEN` everything runs on this machine.",
    ),
    ("code", "from nemo_widgets import NemoStudio\n\nstudio = NemoStudio()\nstudio"),
    (
        "markdown",
        'The same from Python: `studio.upload("beach.jpg")`, `studio.send_sync("make it '
        'square")`, `studio.export()`, `studio.timeline`.',
    ),
]


def write_starter_notebook(folder: Path) -> Path:
    """The starter notebook in ``folder``; an existing one is kept as it is."""
    path = folder / STARTER_NOTEBOOK
    if path.exists():
        return path
    cells = [
        {"cell_type": kind, "id": f"cell{n}", "metadata": {}, "source": source}
        | ({"execution_count": None, "outputs": []} if kind == "code" else {})
        for n, (kind, source) in enumerate(_STARTER_CELLS)
    ]
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook = {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4}
    notebook["nbformat_minor"] = 5
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _studio(args: argparse.Namespace) -> int:
    """Open the starter notebook with NemoStudio in JupyterLab."""
    if importlib.util.find_spec("jupyterlab") is None:
        print(
            "error: JupyterLab is not installed. Install it with: "
            "python3 -m pip install 'nemo-widgets[lab]'\n"
            "(or open a notebook in VS Code, Notebook 7 or Colab and run NemoStudio() there)",
            file=sys.stderr,
        )
        return 1
    notebook = write_starter_notebook(args.folder.resolve())
    command = [sys.executable, "-m", "jupyterlab", str(notebook), f"--port={args.port}"]
    if args.no_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root without it (containers, CI)
    print(f"Opening {notebook} in JupyterLab (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
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
    studio_parser = commands.add_parser(
        "studio", help="open NemoStudio in JupyterLab (a starter notebook in the folder)"
    )
    studio_parser.add_argument(
        "--folder", type=Path, default=Path("."), help="where the notebook lives (default: here)"
    )
    studio_parser.add_argument("--port", type=int, default=8888, help="JupyterLab's port")
    studio_parser.add_argument(
        "--no-browser", action="store_true", help="only print the address to open"
    )
    studio_parser.set_defaults(run=_studio)
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
