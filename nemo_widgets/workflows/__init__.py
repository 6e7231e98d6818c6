"""The notebook workflows: ``make_video``, ``Batch``, ``PromptLab`` and what they share.

| module       | owns                                                                 |
|--------------|----------------------------------------------------------------------|
| `make`       | `make_video`: photos and a prompt in, an MP4 out (one session)       |
| `batch`      | `Batch`: many videos, skipped when made before, with a record        |
| `prompt_lab` | `PromptLab`: one set of photos, several prompts side by side         |
| `executors`  | running items on a `concurrent.futures` executor or a Dask cluster   |
| `outputs`    | the videos a tool made in a folder: records, ownership, atomic moves |
| `report`     | the results as text and HTML tables                                  |
| `samples`    | sample photos and music drawn on the spot                            |

Nothing is imported here: ``from nemo_widgets import Batch`` loads only what it needs.
"""
