// One view of a VideoPlayer: the video, its status or error, name, size and duration, download.
import { Disposer, h } from "../shared/dom";
import { formatBytes, formatSeconds } from "../shared/format";
import { type AnyModel, ModelListeners } from "../shared/model";
import { readVideoTrait } from "../shared/video/protocol";
import { type VideoStatus, VideoSource } from "../shared/video/source";
import type { PlayerTransport } from "./transport";

export class PlayerView {
  private readonly root: HTMLElement;
  private readonly box = h("div", { class: "nemo-player-box" });
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
    this.cleanup.add(transport.changed.subscribe(() => this.source?.update()));
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
      this.box,
      { ...video, token },
      {
        receiver: this.transport.receiver,
        attrs: {
          preload: "metadata",
          "data-testid": "nemo-player-video",
          "aria-label": video.name || "video",
        },
        hideUntilPlayable: true,
        onLink: (href) => this.setLink(href),
        onStatus: (status) => this.showStatus(status),
        onMetadata: (element) => {
          this.duration = element.duration;
          this.updateDetails();
        },
        kernelRefusal: () => String(this.model.get("error") || ""),
      },
    );
  }

  private showStatus(status: VideoStatus): void {
    if (status.kind === "loading") {
      this.setStatus(`Loading the video from the notebook… ${status.percent}%`);
    } else if (status.kind === "unplayable") {
      this.setStatus("This browser cannot play this video here: use the download link.");
    } else {
      this.setStatus("");
      if (status.kind === "failed") this.setError(status.message);
    }
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
