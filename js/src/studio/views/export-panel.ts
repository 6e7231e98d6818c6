// Export: the button, render progress, the error, and the exported video with its download.
import { button, Disposer, h } from "../../shared/dom";
import { formatBytes } from "../../shared/format";
import type { AnyModel } from "../../shared/model";
import { readVideoTrait } from "../../shared/video/protocol";
import { type VideoStatus, VideoSource } from "../../shared/video/source";
import type { Hub } from "../hub/hub";
import { readTimeline } from "../timeline/layout";
import { readExport, readMessages } from "../traits";

/** Whether the `video` trait says the draft changed since this video was exported. */
export function isStale(raw: unknown): boolean {
  return Boolean(raw && typeof raw === "object" && (raw as { stale?: unknown }).stale === true);
}

const EXPORT_RETRY_MS = 3000; // the kernel never answered: allow another try
let hintIds = 0; // aria-describedby needs an id unique in the page (several views of one model)

/** Why Export cannot be pressed now, in words ("" when it can). */
export function exportBlockedReason(ready: boolean, running: boolean): string {
  if (running) return "An export is running.";
  if (!ready) return "Nothing to export yet: attach photos and ask for a video first.";
  return "";
}

export class ExportPanel {
  readonly el: HTMLElement;
  private readonly exportButton = button("Export video", "Export the video", {
    class: "nemo-button nemo-primary",
    "data-testid": "nemo-export",
  });
  private readonly exportHint = h("span", {
    class: "nemo-export-hint",
    id: `nemo-export-hint-${++hintIds}`,
    "data-testid": "nemo-export-hint",
  });
  private readonly progress = h("progress", {
    max: "100",
    value: "0",
    "data-testid": "nemo-progress",
    "aria-label": "Export progress",
  });
  private readonly progressLabel = h("span", { class: "nemo-progress-label" });
  private readonly progressWrap = h("div", { class: "nemo-progress-wrap", hidden: true }, [
    this.progress,
    this.progressLabel,
  ]);
  private readonly exportError = h("div", {
    class: "nemo-export-error",
    role: "alert",
    hidden: true,
  });
  private readonly videoBox = h("div", { class: "nemo-video-box" });
  private readonly videoStatus = h("div", { class: "nemo-video-status", hidden: true });
  // A cross-origin URL ignores `download` (the server's name wins, or a tab opens): such a
  // click saves the file from the kernel's pieces instead, under the link's name.
  private readonly download = h("a", {
    class: "nemo-download",
    "data-testid": "nemo-download",
    text: "Download",
  });
  /** the token whose file is to be saved once its pieces have arrived */
  private pendingSave: number | null = null;
  private readonly videoSize = h("span", { class: "nemo-video-size" });
  private readonly exportAgain = button("Export again", "Export the changed draft again", {
    class: "nemo-button nemo-primary",
    "data-testid": "nemo-export-again",
  });
  private readonly staleNote = h(
    "div",
    { class: "nemo-stale-note", role: "status", "data-testid": "nemo-stale", hidden: true },
    [h("span", { text: "The draft changed since this video was exported." }), this.exportAgain],
  );
  private readonly videoWrap = h("div", { class: "nemo-video-wrap", hidden: true }, [
    this.staleNote,
    this.videoBox,
    this.videoStatus,
    h("div", { class: "nemo-video-meta" }, [this.download, this.videoSize]),
  ]);
  private source: VideoSource | null = null;
  /** the token shown (null: none) */
  private token: number | null = null;

  constructor(
    private readonly model: AnyModel,
    private readonly hub: Hub,
    cleanup: Disposer,
  ) {
    this.el = h("section", { class: "nemo-panel nemo-exportbar", "aria-label": "Export" }, [
      h("div", { class: "nemo-export-row" }, [
        this.exportButton,
        this.progressWrap,
        this.exportHint,
      ]),
      this.exportError,
      this.videoWrap,
    ]);
    const startExport = (): void => {
      this.exportButton.setAttribute("disabled", "");
      this.exportAgain.setAttribute("disabled", "");
      hub.send({ type: "export" });
      // The export trait normally takes over; if the kernel never answers, allow a retry.
      setTimeout(() => this.el.isConnected && this.renderExport(), EXPORT_RETRY_MS);
    };
    cleanup.on(this.exportButton, "click", startExport);
    cleanup.on(this.exportAgain, "click", startExport);
    cleanup.add(
      hub.changes.subscribe((change) => {
        if (change.topic !== "video") return;
        this.source?.update();
        this.saveWhenReady();
      }),
    );
    cleanup.on(this.download, "click", (event: MouseEvent) => this.onDownload(event));
    cleanup.add(() => this.teardownVideo());
  }

  renderExport(): void {
    const state = readExport(this.model);
    const running = state.state === "rendering" || state.state === "downloading";
    const ready = readTimeline(this.model.get("timeline")).readyForExport;
    this.exportButton.toggleAttribute("disabled", !ready || running);
    const reason = exportBlockedReason(ready, running);
    this.exportHint.textContent = running ? "" : reason; // the progress says it while running
    this.exportHint.hidden = !reason || running;
    if (reason) {
      this.exportButton.title = reason;
      this.exportButton.setAttribute("aria-describedby", this.exportHint.id);
    } else {
      this.exportButton.removeAttribute("title");
      this.exportButton.removeAttribute("aria-describedby");
    }
    this.exportAgain.toggleAttribute("disabled", !ready || running);
    this.exportButton.textContent = running ? "Exporting…" : "Export video";
    this.progressWrap.hidden = !running;
    if (running) {
      const percent = Math.max(0, Math.min(100, state.progress));
      this.progress.value = percent;
      this.progressLabel.textContent =
        state.state === "rendering" ? `Rendering ${Math.round(percent)}%` : "Downloading…";
    }
    let error = state.state === "error" ? (state.error ?? "The export failed.") : "";
    // Said once: an error the chat shows already is not repeated under the button.
    if (readMessages(this.model).some((m) => m.role === "error" && m.text === error)) error = "";
    this.exportError.textContent = error;
    this.exportError.hidden = !error;
  }

  renderVideo(): void {
    const raw = this.model.get("video");
    const video = readVideoTrait(raw);
    if (video.token === this.token) {
      this.renderStale(isStale(raw));
      return;
    }
    this.teardownVideo();
    const token = video.token;
    this.token = token;
    if (token == null) {
      this.videoWrap.hidden = true;
      return;
    }
    this.videoWrap.hidden = false;
    const name = video.name || "video.mp4";
    this.download.download = name;
    this.download.textContent = `Download ${name}`;
    this.videoSize.textContent = formatBytes(video.size);
    this.showStatus({ kind: "none" });
    this.source = new VideoSource(
      this.videoBox,
      { ...video, token },
      {
        receiver: this.hub.video,
        attrs: { preload: "auto", "data-testid": "nemo-video", "aria-label": "Exported video" },
        hideUntilPlayable: false,
        onLink: (href) => {
          if (href) this.download.href = href;
          else this.download.removeAttribute("href");
        },
        onStatus: (status) => this.showStatus(status),
      },
    );
    this.renderStale(isStale(raw));
  }

  private onDownload(event: MouseEvent): void {
    const href = this.download.getAttribute("href") || "";
    if (!href || href.startsWith("blob:") || this.token == null) return; // `download` works
    event.preventDefault();
    this.pendingSave = this.token;
    this.hub.video.request(this.token, readVideoTrait(this.model.get("video")).size);
    this.saveWhenReady();
  }

  private saveWhenReady(): void {
    const transfer = this.hub.video.transfer;
    if (this.pendingSave == null || transfer.token !== this.pendingSave) return;
    if (transfer.state === "error") {
      this.pendingSave = null;
      this.showStatus({ kind: "failed", message: transfer.error || "The download failed." });
      return;
    }
    if (transfer.state !== "ready" || !transfer.blob) return;
    this.pendingSave = null;
    const url = URL.createObjectURL(transfer.blob);
    const link = h("a", { href: url, download: this.download.download, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Shows the video at `seconds` (a clip chosen on the timeline). */
  seek(seconds: number): void {
    const element = this.videoBox.querySelector("video");
    if (!element) return;
    const end = Number.isFinite(element.duration) ? element.duration : seconds;
    element.currentTime = Math.max(0, Math.min(seconds, end));
  }

  /** An out-of-date video stays playable, marked as such, with the way to make it current. */
  private renderStale(stale: boolean): void {
    this.staleNote.hidden = !stale;
    this.videoWrap.classList.toggle("nemo-stale", stale);
    const element = this.videoBox.querySelector("video");
    if (!element) return;
    if (stale) element.setAttribute("data-stale", "true");
    else element.removeAttribute("data-stale");
  }

  private showStatus(status: VideoStatus): void {
    let text = "";
    if (status.kind === "loading") text = `Loading the video from the notebook… ${status.percent}%`;
    else if (status.kind === "unplayable") {
      text = "This browser cannot play the video here. Use the download link.";
    } else if (status.kind === "failed") text = status.message || "The video could not be loaded.";
    this.videoStatus.textContent = text;
    this.videoStatus.hidden = !text;
  }

  private teardownVideo(): void {
    this.source?.dispose();
    this.source = null;
    this.token = null;
    this.download.removeAttribute("href");
  }
}
