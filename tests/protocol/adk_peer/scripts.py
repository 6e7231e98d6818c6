"""What the scripted ADK peer agents say, shared by the agents and the tests.

The agents in ``agents/`` build their events from these constants, and the tests assert
against the very same values, so a change here changes both sides at once.

Stdlib only and importable on any Python: the test process imports it as
``tests.protocol.adk_peer.scripts`` (or ``adk_peer.scripts``), while the ADK server
process loads it from its file path (see ``agents/_load_scripts``).

``nemo_agent`` picks a script from the first word of the user's message that names one
(``"tool please"`` -> ``tool``); any other message runs ``default``.
"""

from __future__ import annotations

import re
from typing import Any, Final

# --------------------------------------------------------------------------- app names

#: The app the NemoVideo client targets: a ``BaseAgent`` that never calls a model.
AGENT_APP: Final = "nemo_agent"
#: A real ``LlmAgent`` driven by ``ScriptedLlm``; shows what ADK itself adds around a model.
LLM_AGENT_APP: Final = "nemo_llm_agent"

#: Environment variable read by the agents: seconds between two streamed events.
CHUNK_DELAY_ENV: Final = "PEER_CHUNK_DELAY"
DEFAULT_CHUNK_DELAY: Final = 0.05

# ------------------------------------------------------------- nemo_agent: script names

DEFAULT: Final = "default"
TOOL: Final = "tool"
SILENT: Final = "silent"
EMPTY: Final = "empty"
ERROR: Final = "error"
ERRUTF: Final = "errutf"
ERRCODE: Final = "errcode"
UNICODE: Final = "unicode"
MIDTURN: Final = "midturn"

#: Every keyword that selects a script (``default`` is also what any other text gets).
SCRIPTS: Final = (DEFAULT, TOOL, SILENT, EMPTY, ERROR, ERRUTF, ERRCODE, UNICODE, MIDTURN)

# -------------------------------------------------------------- nemo_agent: the scripts

# default: text in four chunks.
DEFAULT_CHUNKS: Final = ("Hello", ", this is ", "a streamed ", "reply.")
DEFAULT_TEXT: Final = "".join(DEFAULT_CHUNKS)  # "Hello, this is a streamed reply."

# tool: functionCall -> functionResponse (same id, with a state delta) -> text in 3 chunks.
TOOL_NAME: Final = "get_weather"
TOOL_CALL_ID: Final = "adk-00000000-0000-4000-8000-000000000001"
TOOL_ARGS: Final[dict[str, Any]] = {"city": "Paris"}
TOOL_RESPONSE: Final[dict[str, Any]] = {"result": {"temp_c": 21, "sky": "clear"}}
TOOL_STATE_DELTA: Final[dict[str, Any]] = {"last_city": "Paris"}
TOOL_CHUNKS: Final = ("The weather ", "in Paris is ", "21°C and clear.")
TOOL_TEXT: Final = "".join(TOOL_CHUNKS)  # "The weather in Paris is 21°C and clear."

# silent: one event with no content, only a state delta.
SILENT_STATE_DELTA: Final[dict[str, Any]] = {"last_mode": "silent"}

# error: one partial chunk (streaming only), then RuntimeError(ERROR_MESSAGE).
ERROR_CHUNK: Final = "Starting... "
ERROR_MESSAGE: Final = "scripted failure mid-stream"
#: The ``"error"`` value of ADK's in-band error line: ``"<ExceptionType>: <message>"``.
ERROR_LINE: Final = f"RuntimeError: {ERROR_MESSAGE}"

# errutf: ValueError with a non-ASCII message, raised before any event.
ERRUTF_MESSAGE: Final = 'échec ✗ "quoted"'
ERRUTF_LINE: Final = f"ValueError: {ERRUTF_MESSAGE}"

# errcode: one content-less event carrying a model-level error.
ERRCODE_CODE: Final = "SAFETY"
ERRCODE_MESSAGE: Final = "Response blocked by scripted peer."
ERRCODE_FINISH_REASON: Final = "SAFETY"

# unicode: accents, a double quote, newlines and an astral-plane emoji.
UNICODE_CHUNKS: Final = ('Héllo "wörld" ', "line1\nline2\n\n", "emoji 🚀 done")
UNICODE_TEXT: Final = "".join(UNICODE_CHUNKS)

# midturn: a text event marked turn_complete (as ADK marks a model waiting for tool results),
# then, after MIDTURN_PAUSE seconds, the rest of the same run: the turn is not over yet.
MIDTURN_FIRST: Final = "Let me check."
MIDTURN_PAUSE: Final = 0.3
MIDTURN_REST: Final = "Checked: all good."

# ------------------------------------------------------------ nemo_llm_agent: ScriptedLlm

LLM_MODEL: Final = "scripted-fake-1"
LLM_TEXT_CHUNKS: Final = ("Hello", " from a ", "fake model.")
LLM_TEXT: Final = "".join(LLM_TEXT_CHUNKS)  # "Hello from a fake model."
#: What the real ``get_weather`` tool returns (ADK sends a dict result unchanged).
LLM_TOOL_RESULT: Final[dict[str, Any]] = {"temp_c": 21, "sky": "clear", "city": "Paris"}
LLM_TOOL_CHUNKS: Final = ("It is ", "21°C ", "and clear.")
LLM_TOOL_TEXT: Final = "".join(LLM_TOOL_CHUNKS)  # "It is 21°C and clear."
LLM_USAGE: Final[dict[str, int]] = {
    "prompt_token_count": 10,
    "candidates_token_count": 5,
    "total_token_count": 15,
}


def pick_script(text: str) -> str:
    """The script ``nemo_agent`` runs for a user message (whole words, case-insensitive)."""
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in SCRIPTS:
            return word
    return DEFAULT
