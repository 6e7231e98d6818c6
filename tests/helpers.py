"""Helpers shared by the test modules."""

from __future__ import annotations

from nemo_widgets.config import Timings

# Every wait of the recovery rules shrunk, so that fault tests take milliseconds.
FAST = Timings(
    connect_timeout=5.0,
    read_timeout=10.0,
    max_retries=3,
    backoff_initial=0.01,
    backoff_max=0.04,
    rate_limit_wait=0.05,
    heartbeat_timeout=5.0,
    turn_timeout=10.0,
    recovery_waits=(0.05, 0.05, 0.05, 0.05, 0.05),
    poll_initial=0.01,
    poll_factor=1.5,
    poll_max=0.05,
    render_timeout=5.0,
)
