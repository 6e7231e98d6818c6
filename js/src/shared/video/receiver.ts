// The MP4 of one model, assembled from the kernel's `video_chunk` pieces into a Blob.
// One receiver per model, shared by all of its views: the file crosses the comm once.
import type { VideoChunk, VideoError, VideoToKernel } from "./protocol";

export type TransferState = "idle" | "fetching" | "ready" | "error";

/** The transfer of the video `token` (a new token starts a new, empty transfer). */
export interface Transfer {
  token: number | null;
  state: TransferState;
  parts: Uint8Array[];
  count: number;
  lastSeq: number | null;
  received: number;
  size: number;
  blob: Blob | null;
  error: string | null;
}

function emptyTransfer(token: number | null): Transfer {
  return {
    token,
    state: "idle",
    parts: [],
    count: 0,
    lastSeq: null,
    received: 0,
    size: 0,
    blob: null,
    error: null,
  };
}

export class VideoReceiver {
  transfer: Transfer;

  /**
   * @param send  how to reach the kernel
   * @param changed  called after every change of `transfer`
   * @param token  the video the model holds already (a page reload, another output)
   */
  constructor(
    private readonly send: (message: VideoToKernel) => void,
    private readonly changed: () => void,
    token: number | null,
  ) {
    this.transfer = emptyTransfer(token);
  }

  /** The model's video changed: a new token drops the old pieces (and the old Blob). */
  setToken(token: number | null): void {
    if (token === this.transfer.token) return;
    this.transfer = emptyTransfer(token);
    this.changed();
  }

  /** Ask the kernel for the MP4 of `token`, once however many views ask. */
  request(token: number | null, size: number): void {
    const transfer = this.transfer;
    if (token == null || token !== transfer.token || transfer.state !== "idle") return;
    transfer.state = "fetching";
    transfer.size = size;
    this.send({ type: "video_request", token });
    this.changed();
  }

  onChunk(chunk: VideoChunk, bytes: Uint8Array | undefined): void {
    // Always acknowledged, so that the kernel's stream never waits for a piece dropped here.
    this.send({ type: "video_ack", token: chunk.token, seq: chunk.seq });
    const transfer = this.transfer;
    if (chunk.token !== transfer.token || transfer.state !== "fetching" || !bytes) return;
    const seq = chunk.seq;
    if (!Number.isInteger(seq) || seq < 0 || transfer.parts[seq]) return;
    transfer.parts[seq] = bytes;
    transfer.count += 1;
    transfer.received += bytes.byteLength;
    if (chunk.size !== null) transfer.size = chunk.size;
    if (chunk.last) transfer.lastSeq = seq;
    if (transfer.lastSeq !== null && transfer.count === transfer.lastSeq + 1) {
      transfer.blob = new Blob(transfer.parts as BlobPart[], { type: "video/mp4" });
      transfer.parts = [];
      transfer.state = "ready";
    }
    this.changed();
  }

  onError(error: VideoError): void {
    // A late error of a video already whole changes nothing: every byte is here and it plays.
    if (error.token !== this.transfer.token || this.transfer.state === "ready") return;
    this.transfer.state = "error";
    this.transfer.parts = [];
    this.transfer.error = error.message;
    this.changed();
  }

  dispose(): void {
    this.transfer = emptyTransfer(null);
  }
}
