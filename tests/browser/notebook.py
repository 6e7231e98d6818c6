"""Open a notebook in JupyterLab or Notebook 7 and run it the way a user would."""

from __future__ import annotations

from tests.browser.jupyter import JupyterServer

# The two front ends one Jupyter server serves.
# "?reset" starts JupyterLab with an empty workspace, not with the tabs of the previous test.
PATHS = {"lab": "/lab/tree/{name}?reset", "notebook": "/notebooks/{name}"}

_KERNEL_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return Boolean(kernel) && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def open_and_run(page, server: JupyterServer, name: str, ui: str) -> None:
    """Open notebook ``name`` in ``ui`` ("lab" or "notebook"), wait for its kernel, run all."""
    page.goto(server.url + PATHS[ui].format(name=name))
    # "Idle" shows before the kernel is connected: ask the application itself.
    page.wait_for_function(_KERNEL_READY, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
