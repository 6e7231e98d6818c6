// The transport of one studio model, shared by all of its views: it listens to the model once,
// applies the kernel's messages (events, uploads, video) and tells views what changed.
import { toByteList } from "../../shared/bytes";
import { type AnyModel, asRecord, Emitter, ModelListeners } from "../../shared/model";
import { readVideoTrait } from "../../shared/video/protocol";
import { VideoReceiver } from "../../shared/video/receiver";
import { parseMessage, type ToKernel } from "../protocol";
import {
  readAttachments,
  readExport,
  readFlag,
  readMessages,
  readNumber,
  TRAITS,
  type TraitName,
} from "../traits";
import { EventStream } from "./events";
import { Poller } from "./polling";
import { UploadQueue } from "./uploads";

export const TICK_MS = 250;

/** What views hear about: a streamed item's id, or a part that changed. */
export type HubTopic =
  | { topic: "delta"; id: string }
  | { topic: "activity" }
  | { topic: "uploads" }
  | { topic: "video" }
  | { topic: "preview" };

export class Hub {
  readonly changes = new Emitter<HubTopic>("nemo-studio");
  readonly events: EventStream;
  readonly uploads: UploadQueue;
  readonly video: VideoReceiver;
  /** the live preview's file: its own transfer, so that it never waits for the export's */
  readonly preview: VideoReceiver;
  private readonly poller: Poller;
  private readonly listeners: ModelListeners;
  private readonly timer: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(readonly model: AnyModel) {
    this.events = new EventStream({
      messages: () => readMessages(model),
      poll: () => this.poller.request(),
      delta: (id) => this.changes.emit({ topic: "delta", id }),
      activity: () => this.changes.emit({ topic: "activity" }),
    });
    this.poller = new Poller(() => this.send({ type: "poll", after: this.events.lastSeq ?? 0 }));
    this.uploads = new UploadQueue({
      send: (message, buffers) => this.send(message, buffers),
      changed: () => this.changes.emit({ topic: "uploads" }),
      limits: () => ({
        chunkSize: Number(model.get("upload_chunk_size")),
        window: Number(model.get("upload_window")),
        maxBytes: readNumber(model, "max_upload_bytes"),
      }),
    });
    // A model shown again (page reload, another output) may hold a video already.
    this.video = new VideoReceiver(
      (message) => this.send(message),
      () => this.changes.emit({ topic: "video" }),
      readVideoTrait(model.get("video")).token,
    );
    this.preview = new VideoReceiver(
      (message) => this.send(message),
      () => this.changes.emit({ topic: "preview" }),
      readVideoTrait(model.get("preview")).token,
    );
    this.listeners = new ModelListeners(model);
    this.listeners.on("msg:custom", (content: unknown, buffers: unknown) =>
      this.onMessage(content, buffers),
    );
    for (const name of TRAITS) this.listeners.on(`change:${name}`, () => this.onTrait(name));
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Send to the kernel; false when that failed (the comm is closed). */
  send(content: ToKernel, buffers?: ArrayBuffer[]): boolean {
    if (this.disposed) return false;
    try {
      this.model.send(content, undefined, buffers);
      return true;
    } catch (error) {
      console.warn("[nemo-studio] could not send to the kernel", error);
      return false;
    }
  }

  /** Every trait change counts as "something arrived" for the poll fallback. */
  private onTrait(name: TraitName): void {
    this.poller.heard();
    if (name === "messages") this.events.prune();
    if (name === "busy" && !readFlag(this.model, "busy") && this.events.clearActivity()) {
      this.changes.emit({ topic: "activity" });
    }
    if (name === "attachments") {
      this.uploads.prune(new Set(readAttachments(this.model).map((entry) => entry.id)));
    }
    if (name === "video") this.video.setToken(readVideoTrait(this.model.get("video")).token);
    if (name === "preview") {
      this.preview.setToken(readVideoTrait(this.model.get("preview")).token);
    }
  }

  private onMessage(content: unknown, buffers: unknown): void {
    if (this.disposed || !asRecord(content)) return;
    this.poller.heard();
    const message = parseMessage(content);
    if (!message) return;
    switch (message.type) {
      case "events":
        this.events.receive(message);
        break;
      case "upload_ack":
        this.uploads.onAck(message);
        break;
      case "upload_error":
        this.uploads.onError(message);
        break;
      case "video_chunk":
        this.receiverOf(message.token).onChunk(message, toByteList(buffers)[0]);
        break;
      case "video_error":
        this.receiverOf(message.token).onError(message);
        break;
    }
  }

  /** The kernel numbers the exported video and the preview from one sequence. */
  private receiverOf(token: number): VideoReceiver {
    return token === this.preview.transfer.token ? this.preview : this.video;
  }

  private exportRunning(): boolean {
    const state = readExport(this.model).state;
    return state === "rendering" || state === "downloading";
  }

  private tick(): void {
    if (this.disposed) return;
    this.events.tick();
    this.poller.tick(readFlag(this.model, "busy") || this.exportRunning());
    this.uploads.tick();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.listeners.dispose();
    this.changes.clear();
    this.uploads.dispose();
    this.video.dispose();
    this.preview.dispose();
  }
}
