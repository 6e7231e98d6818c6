"""The library never prints its log records by itself (a notebook would show them as output)."""

from __future__ import annotations

import subprocess
import sys


def test_errors_logged_without_logging_configured_print_nothing():
    code = (
        "import logging, nemo_widgets\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError as exc:\n"
        "    logging.getLogger('nemo_widgets.assistant').error('the assistant failed', "
        "exc_info=exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stderr == ""


def test_an_application_that_configures_logging_still_sees_them():
    code = (
        "import logging, nemo_widgets\n"
        "logging.basicConfig()\n"
        "logging.getLogger('nemo_widgets.assistant').error('the assistant failed')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "the assistant failed" in result.stderr
