"""``nemo_agent``: a scripted ADK ``BaseAgent`` that never calls a model or the network.

The user's message picks a script by keyword (``scripts.pick_script``); each script yields
the events of the README (/work/shared/research/adk_sse/README.md). Text is emitted the
way ``LlmAgent`` emits it: only when the request asked for streaming
(``"streaming": true`` -> ``StreamingMode.SSE``) is each chunk yielded as its own
``partial=True`` event; in every case one non-partial event with the whole text follows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.agents import BaseAgent, InvocationContext
from google.adk.agents.run_config import StreamingMode
from google.adk.events import Event, EventActions
from google.genai import types

from ._shared import chunk_delay, scripts


class ScriptedAgent(BaseAgent):
    """Replays the script named by a keyword in the user's message."""

    async def _run_async_impl(self, ctx: InvocationContext) -> AsyncGenerator[Event, None]:
        user_text = ""
        if ctx.user_content and ctx.user_content.parts:
            user_text = "".join(part.text or "" for part in ctx.user_content.parts)
        streaming = ctx.run_config is not None and (
            ctx.run_config.streaming_mode == StreamingMode.SSE
        )
        delay = chunk_delay()

        def event(**fields: Any) -> Event:
            return Event(
                author=self.name, invocation_id=ctx.invocation_id, branch=ctx.branch, **fields
            )

        async def text(chunks: tuple[str, ...]) -> AsyncGenerator[Event, None]:
            if streaming:
                for chunk in chunks:
                    await asyncio.sleep(delay)
                    yield event(content=_content("model", types.Part(text=chunk)), partial=True)
            yield event(content=_content("model", types.Part(text="".join(chunks))))

        match scripts.pick_script(user_text):
            case scripts.TOOL:
                await asyncio.sleep(delay)
                call = types.FunctionCall(
                    id=scripts.TOOL_CALL_ID, name=scripts.TOOL_NAME, args=dict(scripts.TOOL_ARGS)
                )
                yield event(content=_content("model", types.Part(function_call=call)))
                await asyncio.sleep(delay)
                response = types.FunctionResponse(
                    id=scripts.TOOL_CALL_ID, name=scripts.TOOL_NAME, response=scripts.TOOL_RESPONSE
                )
                # Like ADK's own tool events: role "user", author the agent.
                yield event(
                    content=_content("user", types.Part(function_response=response)),
                    actions=EventActions(state_delta=dict(scripts.TOOL_STATE_DELTA)),
                )
                async for ev in text(scripts.TOOL_CHUNKS):
                    yield ev
            case scripts.SILENT:
                yield event(actions=EventActions(state_delta=dict(scripts.SILENT_STATE_DELTA)))
            case scripts.EMPTY:
                return
            case scripts.ERROR:
                if streaming:
                    await asyncio.sleep(delay)
                    chunk = types.Part(text=scripts.ERROR_CHUNK)
                    yield event(content=_content("model", chunk), partial=True)
                raise RuntimeError(scripts.ERROR_MESSAGE)
            case scripts.ERRUTF:
                raise ValueError(scripts.ERRUTF_MESSAGE)
            case scripts.ERRCODE:
                yield event(
                    error_code=scripts.ERRCODE_CODE,
                    error_message=scripts.ERRCODE_MESSAGE,
                    finish_reason=types.FinishReason(scripts.ERRCODE_FINISH_REASON),
                )
            case scripts.MIDTURN:
                part = types.Part(text=scripts.MIDTURN_FIRST)
                yield event(content=_content("model", part), turn_complete=True)
                await asyncio.sleep(scripts.MIDTURN_PAUSE)
                yield event(content=_content("model", types.Part(text=scripts.MIDTURN_REST)))
            case scripts.UNICODE:
                async for ev in text(scripts.UNICODE_CHUNKS):
                    yield ev
            case _:
                async for ev in text(scripts.DEFAULT_CHUNKS):
                    yield ev


def _content(role: str, part: types.Part) -> types.Content:
    return types.Content(role=role, parts=[part])


root_agent = ScriptedAgent(
    name=scripts.AGENT_APP,
    description="Scripted NemoVideo stand-in: replays canned events, no model.",
)
