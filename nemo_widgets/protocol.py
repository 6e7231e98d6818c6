"""The NemoVideo protocol's constants, shared by the client (``api``) and the local engine.

Both sides read them from here, so that a path or a code is written once (docs/protocol.md has
what each one means and how sure we are of it). This is a base module: it imports nothing.
"""

from __future__ import annotations

APP_NAME = "nemo_agent"  # the agent's name in the session, state and upload paths
ENGINE_NAME = "nemo-widgets"  # what the local engine answers at ENGINE_INFO_PATH

# Paths (docs/protocol.md#paths). Those with fields are templates for ``str.format``.
ENGINE_INFO_PATH = "/api/engine/info"  # the local engine only
ANONYMOUS_TOKEN_PATH = "/api/auth/anonymous-token"
CLAIM_TOKEN_PATH = "/api/auth/claim-token"
CREDITS_PATH = "/api/credits/balance/simple"
SESSION_PATH = "/api/tasks/me/with-session/{app}"
STATE_PATH = "/api/state/{app}/me/{session_id}/latest"
UPLOAD_PATH = "/api/upload-video/{app}/me/{session_id}"
RUN_SSE_PATH = "/run_sse"
RENDER_PATH = "/api/render/proxy/lambda"
RENDER_STATUS_PATH = "/api/render/proxy/lambda/{render_id}"
RENDER_CANCEL_PATH = "/api/render/proxy/lambda/{render_id}/cancel"
RENDER_DOWNLOAD_PATH = "/api/render/proxy/{render_id}/download"
# The local engine's extra (never the cloud's): the preview of a session's latest draft.
PREVIEW_PATH = "/api/render/preview/{session_id}"
# The local engine's extra too: a session's previews and speculative export, on or off.
RENDER_SETTINGS_PATH = "/api/render/settings/{session_id}"

# Envelope codes (docs/protocol.md#response-envelope, #errors).
AUTH_INVALID = 1001  # the token is unknown or expired
SESSION_NOT_FOUND = 1002
OUT_OF_CREDITS = 2001
UNSUPPORTED_FILE = 4001  # not an accepted format, or not readable
FILE_TOO_LARGE = 4002

# Each file's upload limit: our own choice, no official source states one
# (docs/protocol.md#upload-limit).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
