"""Run a notebook of ``notebooks/`` top to bottom in a real kernel, as a user would.

The kernel is the test environment's ``python3`` (the one that has nemo_widgets installed); it
inherits the test's environment, so it uses the embedded engine with the test's private folders.
A cell that raises fails the test with the cell's source and the traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_notebook(name: str, workdir: Path, *, timeout: float = 300) -> nbformat.NotebookNode:
    """Copy ``notebooks/<name>`` into ``workdir``, run it there and return it with outputs.

    Running a copy keeps the checkout clean: whatever the notebook writes lands in ``workdir``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / name
    if not path.exists():  # a second run (a "restart") keeps the first run's files
        shutil.copy(NOTEBOOKS / name, path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        raise AssertionError(f"{name} failed in a cell:\n{exc}") from None
    nbformat.write(notebook, path)
    return notebook


def text_outputs(notebook: nbformat.NotebookNode) -> str:
    """Everything the code cells printed or showed as text, in order."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            elif "data" in output:
                parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    """The error outputs and stderr text of every cell (warnings included)."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(output.get("text", ""))
    return found
