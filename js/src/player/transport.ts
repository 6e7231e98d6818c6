// The player's transport: one VideoReceiver per model, fed by the kernel's custom messages.
import { toByteList } from "../shared/bytes";
import { type AnyModel, Emitter, ModelListeners } from "../shared/model";
import { readVideoTrait, type VideoToKernel } from "../shared/video/protocol";
import { VideoReceiver } from "../shared/video/receiver";
import { parsePlayerMessage } from "./protocol";

export class PlayerTransport {
  readonly changed = new Emitter<void>("nemo-player");
  readonly receiver: VideoReceiver;
  private readonly listeners: ModelListeners;
  private disposed = false;

  constructor(private readonly model: AnyModel) {
    this.receiver = new VideoReceiver(
      (message) => this.send(message),
      () => this.changed.emit(),
      readVideoTrait(model.get("video")).token,
    );
    this.listeners = new ModelListeners(model);
    this.listeners.on("msg:custom", (content: unknown, buffers: unknown) =>
      this.onMessage(content, buffers),
    );
    this.listeners.on("change:video", () =>
      this.receiver.setToken(readVideoTrait(model.get("video")).token),
    );
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
    if (message?.type === "video_chunk") this.receiver.onChunk(message, toByteList(buffers)[0]);
    else if (message?.type === "video_error") this.receiver.onError(message);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.dispose();
    this.changed.clear();
    this.receiver.dispose();
  }
}
