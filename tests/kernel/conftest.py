"""Real kernels for the widget tests: the current ipykernel 7 and Google Colab's 6.17.1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kernel.harness import Kernel, kernel_env

REPO = Path(__file__).resolve().parents[2]

# ipykernel 7.x is the test venv's; 6.17.1 (Colab's pin) is made by scripts/colab-kernel-env.
KERNEL_PYTHONS = {
    "ipykernel7": Path(sys.executable),
    "ipykernel6": REPO / ".venv-ipykernel6" / "bin" / "python",
}

KernelFactory = Callable[..., Kernel]


@pytest.fixture(scope="module", params=sorted(KERNEL_PYTHONS))
def kernel_python(request: pytest.FixtureRequest) -> str:
    python = KERNEL_PYTHONS[request.param]
    if not python.exists():
        pytest.skip(f"{python} is missing: run scripts/colab-kernel-env (scripts/test does)")
    return str(python)


@pytest.fixture(scope="module")
def start_kernel(
    kernel_python: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KernelFactory]:
    """Start kernels of the module's ipykernel; each gets private data and config folders.

    ``start_kernel(NEMO_API_URL=...)`` adds environment variables; all are shut down at the end.
    """
    started: list[Kernel] = []

    def start(**env: str) -> Kernel:
        workdir = tmp_path_factory.mktemp("kernel")
        kernel = Kernel(
            kernel_python,
            env=kernel_env(
                HOME=str(workdir),
                NEMO_DATA_DIR=str(workdir / "engine-data"),
                NEMO_CONFIG_DIR=str(workdir / "config"),
                **env,
            ),
            workdir=workdir,
        )
        started.append(kernel)
        return kernel

    yield start
    for kernel in started:
        kernel.shutdown()
