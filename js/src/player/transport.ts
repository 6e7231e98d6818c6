// The player's transport: one VideoReceiver per file (the video and its preview) per model, fed
// by the kernel's custom messages, which name their file by token.
import { toByteList } from "../shared/bytes";
import { type AnyModel, Emitter, ModelListeners } from "../shared/model";
import { readVideoTrait, type VideoToKernel } from "../shared/video/protocol";
import { VideoReceiver } from "../shared/video/receiver";
import { isPreviewToken } from "./preview";
import { parsePlayerMessage } from "./protocol";

/** How long the full video's request waits for a preview that does not come (a lost answer). */
export const PREVIEW_HEAD_START_MS = 4000;

export class PlayerTransport {
  readonly changed = new Emitter<void>("nemo-player");
  readonly receiver: VideoReceiver;
  /** the preview's file: its own transfer, so that it never waits for the full video's */
  readonly preview: VideoReceiver;
  private readonly listeners: ModelListeners;
  /** the full video's request, held until the preview has come (or failed) */
  private held: VideoToKernel | null = null;
  private heldTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly model: AnyModel) {
    this.receiver = new VideoReceiver(
      (message) => this.sendForVideo(message),
      () => this.changed.emit(),
      readVideoTrait(model.get("video")).token,
    );
    this.preview = new VideoReceiver(
      (message) => this.send(message),
      () => this.previewChanged(),
      readVideoTrait(model.get("preview")).token,
    );
    this.listeners = new ModelListeners(model);
    this.listeners.on("msg:custom", (content: unknown, buffers: unknown) =>
      this.onMessage(content, buffers),
    );
    this.listeners.on("change:video", () =>
      this.receiver.setToken(readVideoTrait(model.get("video")).token),
    );
    this.listeners.on("change:preview", () =>
      this.preview.setToken(readVideoTrait(model.get("preview")).token),
    );
  }

  /**
   * The full video is about to be asked for: a preview that only the kernel can give is asked
   * for first, and the full video once it has come. One connection carries every piece, and
   * the kernel sends 8 MiB of a file at once: a preview asked for after that (this player's, or
   * another card's) would wait behind it.
   */
  private sendForVideo(message: VideoToKernel): void {
    if (message.type === "video_request") {
      const preview = readVideoTrait(this.model.get("preview"));
      if (preview.token !== null && !preview.url) {
        this.preview.request(preview.token, preview.size);
        if (this.preview.transfer.state === "fetching") {
          this.held = message;
          this.heldTimer = setTimeout(() => this.release(), PREVIEW_HEAD_START_MS);
          return;
        }
      }
    }
    this.send(message);
  }

  private previewChanged(): void {
    if (this.held && this.preview.transfer.state !== "fetching") this.release();
    this.changed.emit();
  }

  private release(): void {
    clearTimeout(this.heldTimer);
    const held = this.held;
    this.held = null;
    if (held) this.send(held);
  }

  private send(message: VideoToKernel): void {
    if (this.disposed) return;
    try {
      this.model.send(message);
    } catch (error) {
      console.warn("[nemo-player] could not send to the kernel", error);
    }
  }

  private onMessage(content: unknown, buffers: unknown): void {
    if (this.disposed) return;
    const message = parsePlayerMessage(content);
    if (!message) return;
    const receiver = isPreviewToken(message.token, this.preview.transfer.token)
      ? this.preview
      : this.receiver;
    if (message.type === "video_chunk") receiver.onChunk(message, toByteList(buffers)[0]);
    else receiver.onError(message);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.heldTimer);
    this.held = null;
    this.listeners.dispose();
    this.changed.clear();
    this.receiver.dispose();
    this.preview.dispose();
  }
}
