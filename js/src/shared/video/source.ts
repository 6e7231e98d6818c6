// The player element both widgets show: a <video> that plays the server's URL first and, when
// that fails (an error, or no metadata within 4 s) or there is none, the kernel's chunks from
// the model's VideoReceiver as a Blob URL. One VideoSource per video token and view.
import { type Attrs, h } from "../dom";
import { mediaUrl } from "../urls";
import type { VideoReceiver } from "./receiver";
import type { VideoTrait } from "./protocol";

export const METADATA_TIMEOUT_MS = 4000;

/** What the view should say under the video. */
export type VideoStatus =
  | { kind: "none" }
  | { kind: "loading"; percent: number }
  | { kind: "unplayable" }
  | { kind: "failed"; message: string };

export interface VideoSourceOptions {
  receiver: VideoReceiver;
  /** The element's own attributes (test id, preload, label). */
  attrs: Attrs;
  /** Hide the element until it has something to play (the player), or show it at once. */
  hideUntilPlayable: boolean;
  /** The address to offer for download: the URL, the Blob URL, or none. */
  onLink(href: string | null): void;
  onStatus(status: VideoStatus): void;
  onMetadata?(element: HTMLVideoElement): void;
  /** A reason not to ask the kernel (the player's `error` trait: the file is gone). */
  kernelRefusal?(): string;
}

export class VideoSource {
  readonly element: HTMLVideoElement;
  private blobUrl: string | null = null;
  private fromKernel = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    box: HTMLElement,
    private readonly video: VideoTrait & { token: number },
    private readonly options: VideoSourceOptions,
  ) {
    const element = h("video", {
      controls: true,
      playsinline: true,
      ...options.attrs,
      hidden: options.hideUntilPlayable,
    });
    this.element = element;
    element.addEventListener("error", () => this.onElementError());
    element.addEventListener("loadedmetadata", () => {
      if (this.disposed) return;
      clearTimeout(this.timer);
      options.onMetadata?.(element);
    });
    box.replaceChildren(element);
    const url = mediaUrl(video.url);
    if (url) {
      element.src = url;
      element.hidden = false;
      options.onLink(url);
      options.onStatus({ kind: "none" });
      this.timer = setTimeout(() => {
        if (element.readyState < 1) this.useKernel();
      }, METADATA_TIMEOUT_MS);
    } else {
      this.useKernel();
    }
  }

  get token(): number {
    return this.video.token;
  }

  /** The URL did not load (or there is none): the file from the kernel, in pieces. */
  private useKernel(): void {
    if (this.fromKernel) return;
    this.fromKernel = true;
    clearTimeout(this.timer);
    this.element.removeAttribute("src");
    if (this.options.hideUntilPlayable) this.element.hidden = true;
    this.options.onLink(null);
    const refusal = this.options.kernelRefusal?.() ?? "";
    if (refusal) {
      this.options.onStatus({ kind: "failed", message: refusal });
      return;
    }
    this.options.receiver.request(this.video.token, this.video.size);
    this.update();
  }

  private onElementError(): void {
    if (this.disposed) return;
    if (!this.fromKernel) this.useKernel();
    else if (this.blobUrl && this.element.getAttribute("src") === this.blobUrl) {
      this.options.onStatus({ kind: "unplayable" });
    }
  }

  /** Follow the receiver (call on each of its changes). */
  update(): void {
    const shared = this.options.receiver.transfer;
    if (this.disposed || !this.fromKernel || shared.token !== this.video.token) return;
    if (shared.state === "ready" && shared.blob) {
      if (!this.blobUrl) {
        this.blobUrl = URL.createObjectURL(shared.blob);
        this.element.src = this.blobUrl;
        this.element.hidden = false;
        this.options.onLink(this.blobUrl);
      }
      this.options.onStatus({ kind: "none" });
    } else if (shared.state === "fetching") {
      const percent = shared.size ? Math.round((shared.received / shared.size) * 100) : 0;
      this.options.onStatus({ kind: "loading", percent });
    } else if (shared.state === "error") {
      this.options.onStatus({ kind: "failed", message: shared.error ?? "" });
    } else if (shared.state === "idle") {
      this.options.receiver.request(this.video.token, this.video.size); // asked before it knew
    }
  }

  /** Let go of the stream or the Blob, and remove the element. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.element.removeAttribute("src");
    this.element.load();
    this.element.remove();
    if (this.blobUrl) URL.revokeObjectURL(this.blobUrl);
    this.blobUrl = null;
    this.options.onLink(null);
  }
}
