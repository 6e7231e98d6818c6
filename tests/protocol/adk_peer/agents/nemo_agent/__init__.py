"""ADK app ``nemo_agent``: the scripted, model-free agent (``root_agent`` in ``agent``)."""

from . import agent as agent
