"""What every command shares: the exit codes and the error for a mistake on the command line."""

from __future__ import annotations

OK = 0
FAILED = 1  # the work failed: the agent made nothing, a render failed, the server is unreachable
USAGE = 2  # a mistake in the command: a missing file, a wrong option (argparse uses 2 as well)
ACCOUNT = 3  # the account must be fixed first: out of credits, a refused token, a plan limit
INTERRUPTED = 130  # Ctrl-C, as shells count it

EXIT_CODES_HELP = (
    "exit codes: 0 made, 1 failed (agent, render or server), 2 wrong command or input file, "
    "3 account problem (credits, token), 130 interrupted"
)


class UsageError(Exception):
    """A mistake on the command line: the message says what to do instead."""
