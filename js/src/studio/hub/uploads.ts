// Uploads: one file at a time, read lazily in chunks (`file.slice`), with at most `window`
// chunks unacknowledged, each acknowledged by the kernel's `upload_ack`.
import { MIB } from "../../shared/bytes";
import { formatBytes } from "../../shared/format";
import type { UploadAck, UploadError, UploadToKernel } from "../protocol";

export const DEFAULT_CHUNK_SIZE = MIB;
export const DEFAULT_WINDOW = 8;
export const UPLOAD_STALL_MS = 60000; // no ack for this long: the kernel is gone or stuck
export const LOST_KERNEL =
  "Lost the connection to the notebook kernel. Run the cell again, then attach the file again.";

export type UploadState = "queued" | "uploading" | "sent" | "error";

export interface UploadJob {
  id: string;
  file: Blob;
  name: string;
  size: number;
  mime: string;
  /** the files chosen or dropped together, and how many they were (one "Added" line each) */
  batch: string;
  batchSize: number;
  state: UploadState;
  nextSeq: number;
  nextOffset: number;
  /** seqs sent and not yet acknowledged */
  inflight: Set<number>;
  /** bytes the kernel reported */
  received: number;
  /** when the kernel last acknowledged (ms since epoch) */
  lastHeard: number;
  error: string | null;
  begun: boolean;
  seenInTrait: boolean;
}

/** What the queue needs from its surroundings. */
export interface UploadHooks {
  /** Send to the kernel; false when that failed (the comm is closed). */
  send(message: UploadToKernel, buffers?: ArrayBuffer[]): boolean;
  /** The jobs changed (views redraw their chips). */
  changed(): void;
  /** The kernel's limits now: `upload_chunk_size`, `upload_window`, `max_upload_bytes`. */
  limits(): { chunkSize: number; window: number; maxBytes: number };
}

let idCounter = 0;
function newUploadId(): string {
  idCounter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `up-${Date.now().toString(36)}-${idCounter}-${random}`;
}

/** A file as the person chose it; a pasted image has no name, so it gets one. */
export interface FileLike extends Blob {
  readonly name?: string;
}

export class UploadQueue {
  jobs: UploadJob[] = [];
  active: UploadJob | null = null;
  private pumping = false;
  private disposed = false;

  constructor(private readonly hooks: UploadHooks) {}

  private chunkSize(): number {
    const size = this.hooks.limits().chunkSize;
    return Number.isFinite(size) && size > 0 ? Math.floor(size) : DEFAULT_CHUNK_SIZE;
  }

  private windowSize(): number {
    const size = this.hooks.limits().window;
    return Number.isFinite(size) && size >= 1 ? Math.floor(size) : DEFAULT_WINDOW;
  }

  add(files: Iterable<FileLike>): void {
    const limit = this.hooks.limits().maxBytes || 0;
    const chosen = [...files];
    const batch = newUploadId();
    for (const file of chosen) {
      const name = file.name || `pasted-${Date.now()}.${file.type.split("/")[1] || "bin"}`;
      const job: UploadJob = {
        id: newUploadId(),
        file,
        name,
        size: file.size,
        mime: file.type || "application/octet-stream",
        batch,
        batchSize: chosen.length,
        state: "queued",
        nextSeq: 0,
        nextOffset: 0,
        inflight: new Set(),
        received: 0,
        lastHeard: 0,
        error: null,
        begun: false,
        seenInTrait: false,
      };
      if (file.type && !/^(image|video|audio)\//.test(file.type)) {
        job.state = "error";
        job.error = `${name} is not a photo, video or audio file, so it cannot be used.`;
      } else if (limit > 0 && file.size > limit) {
        job.state = "error";
        job.error =
          `${name} is ${formatBytes(file.size)}; files can be at most ${formatBytes(limit)}. ` +
          "Make it smaller and attach it again.";
      }
      this.jobs.push(job);
    }
    this.hooks.changed();
    void this.pump();
  }

  find(id: string): UploadJob | null {
    return this.jobs.find((job) => job.id === id) ?? null;
  }

  /** Cancel an upload (local or listed by the kernel) and forget it. */
  cancel(id: string): void {
    const job = this.find(id);
    if (!job || job.begun) this.hooks.send({ type: "upload_cancel", id });
    if (job) {
      this.jobs = this.jobs.filter((candidate) => candidate !== job);
      if (this.active === job) this.active = null;
    }
    this.hooks.changed();
    void this.pump();
  }

  /** Forget a failed local upload (it never reached the kernel's list). */
  dismiss(id: string): void {
    this.jobs = this.jobs.filter((job) => job.id !== id);
    this.hooks.changed();
  }

  private startNext(): UploadJob | null {
    const job = this.jobs.find((candidate) => candidate.state === "queued");
    if (!job) return null;
    job.state = "uploading";
    job.begun = true;
    job.lastHeard = Date.now();
    this.active = job;
    const begin: UploadToKernel = {
      type: "upload_begin",
      id: job.id,
      name: job.name,
      size: job.size,
      mime: job.mime,
      // Files attached together are said in one line by the kernel ("Added 25 photos").
      ...(job.batchSize > 1 ? { batch: job.batch, batch_size: job.batchSize } : {}),
    };
    if (!this.hooks.send(begin)) {
      this.fail(job, LOST_KERNEL, false);
      return this.startNext();
    }
    this.hooks.changed();
    return job;
  }

  /** Send what the window allows; called again by every ack. */
  async pump(): Promise<void> {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      for (;;) {
        const job = this.active ?? this.startNext();
        if (!job || this.disposed) return;
        if (job.nextOffset >= job.size) {
          if (job.inflight.size > 0) return; // wait for the last acks
          job.state = "sent";
          this.active = null;
          this.hooks.send({ type: "upload_end", id: job.id });
          this.hooks.changed();
          continue;
        }
        if (job.inflight.size >= this.windowSize()) return; // an ack will call us again
        const start = job.nextOffset;
        const end = Math.min(job.size, start + this.chunkSize());
        let data: ArrayBuffer;
        try {
          data = await job.file.slice(start, end).arrayBuffer();
        } catch {
          this.fail(job, `Could not read ${job.name}. Attach it again.`, true);
          continue;
        }
        if (this.active !== job || this.disposed) continue; // cancelled while reading
        const seq = job.nextSeq;
        job.nextSeq += 1;
        job.nextOffset = end;
        job.inflight.add(seq);
        if (!this.hooks.send({ type: "upload_chunk", id: job.id, seq, offset: start }, [data])) {
          this.fail(job, LOST_KERNEL, false);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private fail(job: UploadJob, message: string, tellKernel: boolean): void {
    job.state = "error";
    job.error = message;
    job.inflight.clear();
    if (this.active === job) this.active = null;
    if (tellKernel) this.hooks.send({ type: "upload_cancel", id: job.id });
    this.hooks.changed();
  }

  onAck(ack: UploadAck): void {
    const job = this.find(ack.id);
    if (!job) return;
    for (const seq of ack.acked) job.inflight.delete(seq);
    if (ack.received !== null) job.received = ack.received;
    job.lastHeard = Date.now();
    this.hooks.changed();
    void this.pump();
  }

  onError(error: UploadError): void {
    const job = this.find(error.id);
    if (!job) return;
    const active = this.active === job;
    this.fail(job, error.message ?? `Could not upload ${job.name}.`, false);
    if (active) void this.pump();
  }

  /** A kernel that stopped acknowledging: the active upload fails after UPLOAD_STALL_MS. */
  tick(now = Date.now()): void {
    const job = this.active;
    if (job && job.inflight.size && now - job.lastHeard > UPLOAD_STALL_MS) {
      const message =
        `The notebook kernel stopped answering while ${job.name} was uploading. ` +
        "Check that it is running, then attach the file again.";
      this.fail(job, message, true);
      void this.pump();
    }
  }

  /** The `attachments` trait changed: forget finished uploads the kernel no longer lists. */
  prune(listedIds: Set<string>): void {
    const before = this.jobs.length;
    this.jobs = this.jobs.filter((job) => {
      if (listedIds.has(job.id)) {
        job.seenInTrait = true;
        return true;
      }
      return !(job.seenInTrait && (job.state === "sent" || job.state === "error"));
    });
    if (this.jobs.length !== before) this.hooks.changed();
  }

  dispose(): void {
    this.disposed = true;
    this.jobs = [];
    this.active = null;
  }
}
