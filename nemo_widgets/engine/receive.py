"""Receiving uploads: multipart bodies streamed to disk, and files fetched from URLs.

Nothing is held whole in memory: each file part is written to its own media folder as it
arrives, its first bytes are sniffed at once (a PDF is refused before the rest is read), and the
size limit is enforced while the bytes come in. A refused request leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

import httpx
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..formats import SNIFF_BYTES
from .errors import ApiError
from .limits import MAX_FILES_PER_REQUEST, body_too_large
from .media import TOO_LARGE, UNSUPPORTED, MediaRejected, check_head, safe_filename
from .netguard import AddressRefused, guarded_transport
from .store import Store, private_file

FIELD_NAME = "files"  # the documented multipart field (docs/protocol.md#uploads)
# After refusing a request, read (and drop) this much more of its body so that the client
# gets the answer instead of a connection reset in the middle of its upload.
_DRAIN_LIMIT = 1024**3


def _unsupported(message: str) -> ApiError:
    return ApiError(415, UNSUPPORTED, message)


def refused(exc: MediaRejected) -> ApiError:
    """The HTTP answer to a file the media checks refused."""
    return ApiError(413 if exc.code == TOO_LARGE else 415, exc.code, exc.reason)


def _too_large(name: str, limit: int) -> ApiError:
    size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 1024:g} KB"
    return ApiError(
        413,
        TOO_LARGE,
        f"{name} is larger than the {size} this engine accepts: compress or trim it, then "
        "upload it again",
    )


@dataclass
class Received:
    """One file on disk, not yet checked beyond its first bytes."""

    mid: str
    folder: Path
    filename: str
    path: Path
    size: int = 0
    head: bytes = b""  # the first SNIFF_BYTES, checked as soon as they are in

    def write(self, chunk: bytes, out: IO[bytes], limit: int) -> None:
        """Count, sniff and write the next bytes of the file; refuses as early as it can."""
        self.size += len(chunk)
        if self.size > limit:
            raise _too_large(self.filename, limit)
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                check_head(self.head, self.filename)
        out.write(chunk)

    def finish(self) -> None:
        """Check a file shorter than the sniff window, once all of it is in."""
        if len(self.head) < SNIFF_BYTES:
            check_head(self.head, self.filename)


@dataclass
class _PartState:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_field: bytes = b""
    header_value: bytes = b""
    file: Received | None = None
    out: IO[bytes] | None = None


class MultipartReceiver:
    """Streams the ``files`` parts of one multipart body into fresh media folders."""

    def __init__(
        self, store: Store, content_type: str, limit: int, request_limit: int | None = None
    ) -> None:
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise ApiError(
                400, 400, "send the files as multipart/form-data, in fields named 'files'"
            )
        self.store = store
        self.limit = limit
        self.request_limit = request_limit
        self.files: list[Received] = []
        self._part = _PartState()
        self._error: ApiError | None = None
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_part_end": self._end,
            },
        )

    async def receive(self, body: AsyncIterator[bytes]) -> list[Received]:
        """Read the whole body; the received files, or ApiError with nothing kept."""
        drained = total = 0
        try:
            async for chunk in body:
                total += len(chunk)
                if self.request_limit is not None and total > self.request_limit:
                    self._fail(body_too_large(self.request_limit, "one upload request"))
                if self._error is not None:
                    drained += len(chunk)
                    if drained > _DRAIN_LIMIT:
                        break
                    continue
                try:
                    self._parser.write(chunk)
                except FormParserError as exc:
                    self._fail(ApiError(400, 400, f"the multipart body is malformed: {exc}"))
                except MediaRejected as exc:
                    self._fail(refused(exc))
                except ApiError as exc:
                    self._fail(exc)
            if self._error is None and self._part.out is not None:
                self._fail(ApiError(400, 400, "the multipart body ended in the middle of a file"))
            if self._error is None and not self.files:
                self._fail(
                    ApiError(400, 400, f"no files: send them in fields named '{FIELD_NAME}'")
                )
        except BaseException:
            self.discard()
            raise
        if self._error is not None:
            raise self._error
        return self.files

    def discard(self) -> None:
        self._close_part()
        for received in self.files:
            self.store.discard_media(received.mid)

    def _fail(self, error: ApiError) -> None:
        if self._error is None:
            self._error = error
            self.discard()

    # -- parser callbacks ------------------------------------------------------------------

    def _begin(self) -> None:
        self._part = _PartState()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._part.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._part.header_value += data[start:end]

    def _header_end(self) -> None:
        part = self._part
        part.headers[part.header_field.lower()] = part.header_value
        part.header_field = part.header_value = b""

    def _headers_finished(self) -> None:
        if self._error is not None:
            return
        _, options = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        if options.get(b"name") != FIELD_NAME.encode() or b"filename" not in options:
            return  # other form fields are ignored, as the cloud documents none
        if len(self.files) == MAX_FILES_PER_REQUEST:
            raise ApiError(
                413, 413, f"at most {MAX_FILES_PER_REQUEST} files per request: send the rest next"
            )
        raw_name = options[b"filename"].decode("utf-8", "replace")
        mid, folder = self.store.new_media_folder()
        received = Received(mid, folder, safe_filename(raw_name), folder / "upload.part")
        self.files.append(received)
        self._part.file = received
        self._part.out = private_file(received.path)

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part.file is None or part.out is None or self._error is not None:
            return
        part.file.write(data[start:end], part.out, self.limit)

    def _end(self) -> None:
        if self._part.file is not None and self._error is None:
            self._part.file.finish()
        self._close_part()

    def _close_part(self) -> None:
        if self._part.out is not None:
            self._part.out.close()
            self._part.out = None


async def fetch_url(
    store: Store,
    url: str,
    limit: int,
    *,
    timeout: float,
    connect_timeout: float = 10.0,
    allow_private: bool = False,
) -> Received:
    """Download ``url`` (http or https only) into a fresh media folder, within the limits.

    Only public addresses are fetched unless ``allow_private`` (see netguard.py)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise _unsupported(f"{url!r} is not an http(s) URL: only http and https can be imported")
    mid, folder = store.new_media_folder()
    received = Received(mid, folder, _name_from_url(url), folder / "upload.part")
    try:
        await _download(
            url,
            received,
            limit,
            httpx.Timeout(timeout, connect=connect_timeout),
            timeout,
            guarded_transport(allow_private),
        )
    except BaseException:
        store.discard_media(mid)
        raise
    return received


async def _download(
    url: str,
    received: Received,
    limit: int,
    timeouts: httpx.Timeout,
    deadline: float,
    transport: httpx.AsyncBaseTransport,
) -> None:
    import anyio

    try:
        with anyio.fail_after(deadline):
            async with (
                httpx.AsyncClient(
                    timeout=timeouts, follow_redirects=True, transport=transport, trust_env=False
                ) as http,
                http.stream("GET", url) as response,
            ):
                if response.status_code != 200:
                    raise _unsupported(
                        f"could not download {url}: the server answered HTTP {response.status_code}"
                    )
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise _too_large(received.filename, limit)
                received.filename = _name_from_response(response) or received.filename
                with private_file(received.path) as out:
                    async for chunk in response.aiter_bytes():
                        received.write(chunk, out, limit)
                received.finish()
    except AddressRefused:
        # Said the same way whatever listens there, and said before anything was sent.
        raise _unsupported(
            f"{url} (or a page it redirects to) is on this computer or a private network, "
            "which the engine does not download from: download the file yourself and upload "
            "it, or start the engine with --allow-private-urls"
        ) from None
    except TimeoutError:
        raise _unsupported(f"downloading {url} took longer than {deadline:.0f} s") from None
    except httpx.HTTPError as exc:
        raise _unsupported(f"could not download {url}: {type(exc).__name__}: {exc}") from None
    except MediaRejected as exc:
        raise refused(exc) from None


def _name_from_url(url: str) -> str:
    path = unquote(urlsplit(url).path)
    return safe_filename(path.rsplit("/", 1)[-1] or None, default="download")


def _name_from_response(response: httpx.Response) -> str | None:
    disposition = response.headers.get("content-disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", disposition, re.IGNORECASE)
    if not match:
        return None
    return safe_filename(unquote(match.group(1)))
