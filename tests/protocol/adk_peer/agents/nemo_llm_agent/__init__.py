"""ADK app ``nemo_llm_agent``: a real LlmAgent over ``ScriptedLlm`` (see ``agent``)."""

from . import agent as agent
