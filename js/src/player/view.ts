// One view of a VideoPlayer: the video, its status or error, name, size and duration, download.
// While the full video comes from the kernel, its preview (when the player has one) plays in a
// second <video> above it, and gives way to the full file at the same moment once it is whole.
import { Disposer, h } from "../shared/dom";
import { formatBytes, formatSeconds } from "../shared/format";
import { type AnyModel, ModelListeners } from "../shared/model";
import { readVideoTrait } from "../shared/video/protocol";
import { type VideoStatus, VideoSource } from "../shared/video/source";
import { statusText } from "./preview";
import type { PlayerTransport } from "./transport";

const VIDEO_ID = "nemo-player-video";
/** the full video's element while the preview is what plays (hidden, loading) */
const FULL_WAITING_ID = "nemo-player-full";
/** how long the full video may take to seek to the preview's moment before it is shown anyway */
const SEEK_GRACE_MS = 3000;

export class PlayerView {
  private readonly root: HTMLElement;
  private readonly mainBox = h("div", { class: "nemo-player-main" });
  private readonly previewBox = h("div", { class: "nemo-player-preview" });
  private readonly box = h("div", { class: "nemo-player-box" }, [this.previewBox, this.mainBox]);
  private readonly status = h("div", {
    class: "nemo-player-status",
    "data-testid": "nemo-player-status",
  });
  private readonly errorLine = h("div", {
    class: "nemo-player-error",
    role: "alert",
    "data-testid": "nemo-player-error",
    hidden: true,
  });
  private readonly name = h("span", {
    class: "nemo-player-name",
    "data-testid": "nemo-player-name",
  });
  private readonly details = h("span", {
    class: "nemo-player-details",
    "data-testid": "nemo-player-meta",
  });
  private readonly download = h("a", {
    class: "nemo-player-download",
    "data-testid": "nemo-player-download",
    target: "_blank",
    rel: "noopener",
    text: "Download",
    hidden: true,
  });
  private source: VideoSource | null = null;
  /** the preview, while it is what plays (or is about to) */
  private previewSource: VideoSource | null = null;
  private previewPlaying = false;
  /** the preview was started for this video (it is shown once, not again after it gave way) */
  private previewStarted = false;
  private switching = false;
  private fullStatus: VideoStatus = { kind: "none" };
  private readonly switchCleanup = new Disposer();
  private duration = NaN;
  private readonly listeners: ModelListeners;
  private readonly cleanup = new Disposer();

  constructor(
    private readonly model: AnyModel,
    el: HTMLElement,
    private readonly transport: PlayerTransport,
  ) {
    this.root = h("div", { class: "nemo-player", "data-testid": "nemo-player" }, [
      this.box,
      this.status,
      this.errorLine,
      h("div", { class: "nemo-player-meta" }, [this.name, this.details, this.download]),
    ]);
    el.append(this.root);
    this.listeners = new ModelListeners(model);
    this.listeners.on("change:video", () => this.show());
    this.listeners.on("change:error", () => this.show(true));
    this.listeners.on("change:width", () => this.applyWidth());
    this.cleanup.add(
      transport.changed.subscribe(() => {
        this.source?.update();
        this.previewSource?.update();
      }),
    );
    this.applyWidth();
    this.show();
  }

  private applyWidth(): void {
    const width = String(this.model.get("width") || "");
    this.root.style.width = width;
    this.root.style.maxWidth = width ? "100%" : "";
  }

  /** Start over with the model's video (when it changed, or `force`). */
  private show(force = false): void {
    const video = readVideoTrait(this.model.get("video"));
    if (!force && this.source && video.token === this.source.token) return;
    this.teardown();
    this.name.textContent = video.name;
    this.name.title = video.name;
    this.updateDetails();
    this.setError("");
    const token = video.token;
    if (token == null) {
      this.setStatus("No video.");
      return;
    }
    this.source = new VideoSource(
      this.mainBox,
      { ...video, token },
      {
        receiver: this.transport.receiver,
        attrs: {
          preload: "metadata",
          "data-testid": VIDEO_ID,
          "aria-label": video.name || "video",
        },
        hideUntilPlayable: true,
        onLink: (href) => this.setLink(href),
        onStatus: (status) => this.onFullStatus(status),
        onMetadata: (element) => {
          this.duration = element.duration;
          this.updateDetails();
        },
        kernelRefusal: () => String(this.model.get("error") || ""),
      },
    );
  }

  private onFullStatus(status: VideoStatus): void {
    this.fullStatus = status;
    if (status.kind === "loading") this.startPreview();
    else if (this.previewSource) {
      const whole = this.transport.receiver.transfer.state === "ready";
      if (status.kind === "none" && whole) this.switchToFull();
      else if (status.kind !== "none") this.dropPreview(); // the full video failed: say why
    }
    this.showStatus();
  }

  private showStatus(): void {
    const status = this.fullStatus;
    this.setStatus(statusText(status, this.previewPlaying));
    if (status.kind === "failed") this.setError(status.message);
  }

  /** The full video comes from the kernel: play its preview meanwhile (when there is one). */
  private startPreview(): void {
    const preview = readVideoTrait(this.model.get("preview"));
    const token = preview.token;
    if (this.previewStarted || token === null || !this.source) return;
    this.previewStarted = true;
    this.mainBox.hidden = true;
    this.source.element.setAttribute("data-testid", FULL_WAITING_ID);
    const name = readVideoTrait(this.model.get("video")).name;
    this.previewSource = new VideoSource(
      this.previewBox,
      { ...preview, token },
      {
        receiver: this.transport.preview,
        attrs: {
          preload: "auto",
          "data-testid": VIDEO_ID,
          "data-preview": "true",
          "aria-label": `Preview of ${name || "the video"}`,
        },
        hideUntilPlayable: true,
        onLink: () => {}, // the download link is the full video's
        onStatus: (status) => {
          // A preview that cannot be had is no error: the full video comes as without one.
          if (status.kind === "failed" || status.kind === "unplayable") this.dropPreview();
        },
        onMetadata: (element) => {
          this.previewPlaying = true;
          if (!Number.isFinite(this.duration)) {
            this.duration = element.duration;
            this.updateDetails();
          }
          this.showStatus();
        },
      },
    );
  }

  /**
   * The full video is whole: it takes the preview's place at the preview's moment, playing or
   * paused as the preview was (with its volume and speed). The preview stays on screen, paused,
   * until the full video has seeked there, so that the picture never goes black.
   */
  private switchToFull(): void {
    const preview = this.previewSource?.element;
    const full = this.source?.element;
    if (this.switching || !preview || !full) return;
    if (!this.previewPlaying || preview.readyState < 1) {
      this.dropPreview(); // the preview never played: nothing to carry over
      return;
    }
    this.switching = true;
    const playing = !preview.paused && !preview.ended;
    preview.pause();
    const moment = preview.currentTime;
    full.muted = preview.muted;
    full.volume = preview.volume;
    full.playbackRate = preview.playbackRate;
    const done = () => {
      this.switchCleanup.dispose();
      if (this.source?.element !== full) return;
      this.dropPreview();
      if (playing) full.play().catch(() => {}); // a browser may refuse: it shows paused
    };
    const seek = () => {
      if (moment <= 0) return done();
      this.switchCleanup.on(full, "seeked", done);
      full.currentTime = moment;
    };
    this.switchCleanup.on(full, "error", done);
    const timer = setTimeout(done, SEEK_GRACE_MS);
    this.switchCleanup.add(() => clearTimeout(timer));
    if (full.readyState >= 1) seek();
    else this.switchCleanup.on(full, "loadedmetadata", seek);
  }

  /** Remove the preview; the full video (or its status) is what shows. */
  private dropPreview(): void {
    this.switchCleanup.dispose();
    this.switching = false;
    this.previewSource?.dispose();
    this.previewSource = null;
    this.previewPlaying = false;
    this.mainBox.hidden = false;
    this.source?.element.setAttribute("data-testid", VIDEO_ID);
    this.showStatus();
  }

  private updateDetails(): void {
    const size = readVideoTrait(this.model.get("video")).size;
    const parts = [];
    if (size > 0) parts.push(formatBytes(size));
    if (Number.isFinite(this.duration)) parts.push(formatSeconds(this.duration, "fixed"));
    this.details.textContent = parts.join(" · ");
  }

  private setLink(href: string | null): void {
    if (href) {
      this.download.href = href;
      this.download.download = readVideoTrait(this.model.get("video")).name || "video.mp4";
      this.download.hidden = false;
    } else {
      this.download.removeAttribute("href");
      this.download.hidden = true;
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  private setError(text: string): void {
    this.errorLine.textContent = text;
    this.errorLine.hidden = !text;
    this.root.classList.toggle("nemo-player-failed", Boolean(text));
  }

  private teardown(): void {
    this.dropPreview();
    this.previewStarted = false;
    this.fullStatus = { kind: "none" };
    this.source?.dispose();
    this.source = null;
    this.duration = NaN;
    this.setLink(null);
  }

  dispose(): void {
    this.listeners.dispose();
    this.cleanup.dispose();
    this.teardown();
    this.root.remove();
  }
}
