"""``nemo_llm_agent``: a real ADK ``LlmAgent`` whose model is the scripted ``ScriptedLlm``.

Unlike ``nemo_agent``, every event here is shaped by ADK's own LLM flow: it assigns the
``adk-<uuid>`` function-call ids, runs the ``get_weather`` tool itself, adds
``modelVersion``/``finishReason``/``usageMetadata``, and (in 2.x) gives the partial
chunks and the final aggregated event of one model turn the *same* event ``id``.

``ScriptedLlm`` answers:
* after a function response: ``LLM_TOOL_TEXT``;
* a user message whose keyword is ``tool``: a ``get_weather(city="Paris")`` call, no id;
* anything else: ``LLM_TEXT``.
With ``stream=True`` the text comes as ``partial`` chunks first, then aggregated.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.agents import LlmAgent
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types
from nemo_agent._shared import chunk_delay, scripts  # a sibling app: same agents dir


def get_weather(city: str) -> dict[str, Any]:
    """Returns the current weather for a city."""
    return {"temp_c": 21, "sky": "clear", "city": city}


class ScriptedLlm(BaseLlm):
    """A ``BaseLlm`` that replays canned answers; no network, no credentials."""

    model: str = scripts.LLM_MODEL

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        last = llm_request.contents[-1] if llm_request.contents else None
        parts = (last.parts or []) if last else []
        if any(part.function_response for part in parts):
            chunks: tuple[str, ...] = scripts.LLM_TOOL_CHUNKS
        elif scripts.pick_script("".join(p.text or "" for p in parts)) == scripts.TOOL:
            call = types.FunctionCall(name=scripts.TOOL_NAME, args=dict(scripts.TOOL_ARGS))
            yield self._response(types.Part(function_call=call))
            return
        else:
            chunks = scripts.LLM_TEXT_CHUNKS

        if stream:
            delay = chunk_delay()
            for chunk in chunks:
                await asyncio.sleep(delay)
                yield LlmResponse(
                    model_version=self.model,
                    content=types.Content(role="model", parts=[types.Part(text=chunk)]),
                    partial=True,
                )
        yield self._response(types.Part(text="".join(chunks)))

    def _response(self, part: types.Part) -> LlmResponse:
        """A complete (non-partial) model turn, as a real model would end it."""
        return LlmResponse(
            model_version=self.model,
            content=types.Content(role="model", parts=[part]),
            finish_reason=types.FinishReason.STOP,
            usage_metadata=types.GenerateContentResponseUsageMetadata(**scripts.LLM_USAGE),
        )


root_agent = LlmAgent(
    name=scripts.LLM_AGENT_APP,
    model=ScriptedLlm(),
    description="LlmAgent over a scripted fake model, with one Python tool.",
    instruction="Answer weather questions with the get_weather tool.",
    tools=[get_weather],
)
