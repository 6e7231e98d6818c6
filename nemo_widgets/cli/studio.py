"""``nemo-widgets studio``: NemoStudio in JupyterLab, on a notebook of yours or a starter one."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from .usage import UsageError

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


def notebook_to_open(path: Path) -> Path:
    """``path`` itself if it is a notebook, else the starter notebook in that folder."""
    path = path.expanduser().resolve()
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise UsageError(f"{path}: no such notebook. Check the path, or pass a folder.")
        return path
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is not a notebook (.ipynb) or a folder.")
    return write_starter_notebook(path)


def studio(args: argparse.Namespace) -> int:
    """Open the notebook in JupyterLab (its folder is JupyterLab's root)."""
    if importlib.util.find_spec("jupyterlab") is None:
        print(
            "error: JupyterLab is not installed. Install it with: "
            "python3 -m pip install 'nemo-widgets[lab]'\n"
            "(or open a notebook in VS Code, Notebook 7 or Colab and run NemoStudio() there)",
            file=sys.stderr,
        )
        return 1
    notebook = notebook_to_open(args.path)
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
