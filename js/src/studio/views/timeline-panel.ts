// The timeline panel: title and length, bars or the table (a toggle), or a hint when empty.
import { button, Disposer, h } from "../../shared/dom";
import { formatSeconds } from "../../shared/format";
import type { AnyModel } from "../../shared/model";
import { rulerRow, trackRow, trackTable } from "../timeline/draw";
import { hasSegments, readTimeline, ticksThatFit } from "../timeline/layout";

const ZOOMS = [1, 2, 4, 8];
const LABEL_COLUMN_PX = 112; // the track names' column and its gap (timeline.css)

type Mode = "timeline" | "table";
const EMPTY_HINT = "Add photos and tell me what to make.";

export class TimelinePanel {
  readonly el: HTMLElement;
  private readonly meta = h("span", { class: "nemo-panel-meta" });
  private readonly timelineToggle: HTMLButtonElement;
  private readonly tableToggle: HTMLButtonElement;
  private readonly timelineView = h("div", {
    class: "nemo-timeline",
    "data-testid": "nemo-timeline",
  });
  private readonly tableView = h("div", { class: "nemo-table-wrap", hidden: true });
  private mode: Mode = "timeline";
  private zoom = 0; // index into ZOOMS
  private readonly zoomOut = button("−", "Zoom out of the timeline", {
    class: "nemo-toggle-button",
    "data-testid": "nemo-zoom-out",
    title: "Zoom out",
  });
  private readonly zoomIn = button("+", "Zoom into the timeline", {
    class: "nemo-toggle-button",
    "data-testid": "nemo-zoom-in",
    title: "Zoom in",
  });
  /** the chosen clip, kept across redraws: "kind:start" */
  private selected: string | null = null;
  private drawnWidth = 0;
  /** where the preview is, in seconds (null: none plays) */
  private playheadAt: number | null = null;
  private duration = 0;
  private readonly playhead = h("div", {
    class: "nemo-playhead",
    "data-testid": "nemo-playhead",
    "aria-hidden": "true",
    hidden: true,
  });

  /** @param seek  a clip was chosen: show the video at `seconds` */
  constructor(
    private readonly model: AnyModel,
    cleanup: Disposer,
    private readonly seek: (seconds: number) => void = () => undefined,
  ) {
    const toggle = { class: "nemo-toggle-button", "aria-pressed": "false" };
    this.timelineToggle = button("Timeline", "Show the timeline", toggle);
    this.tableToggle = button("Table", "Show the track table", toggle);
    this.el = h("section", { class: "nemo-panel", "aria-label": "Timeline" }, [
      h("div", { class: "nemo-panel-head" }, [
        h("span", { class: "nemo-panel-title", text: "Timeline" }),
        this.meta,
        h("span", { class: "nemo-toggle", role: "group", "aria-label": "Zoom" }, [
          this.zoomOut,
          this.zoomIn,
        ]),
        h("span", { class: "nemo-toggle", role: "group", "aria-label": "View" }, [
          this.timelineToggle,
          this.tableToggle,
        ]),
      ]),
      this.timelineView,
      this.tableView,
    ]);
    cleanup.on(this.timelineToggle, "click", () => this.setMode("timeline"));
    cleanup.on(this.tableToggle, "click", () => this.setMode("table"));
    cleanup.on(this.zoomIn, "click", () => this.setZoom(this.zoom + 1));
    cleanup.on(this.zoomOut, "click", () => this.setZoom(this.zoom - 1));
    cleanup.on(this.timelineView, "click", (event: MouseEvent) => this.choose(event.target));
    cleanup.on(this.timelineView, "keydown", (event: KeyboardEvent) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      if (this.choose(event.target)) event.preventDefault();
    });
    // A new width changes how many ruler labels fit.
    const resize = new ResizeObserver(() => {
      if (Math.abs(this.timelineView.clientWidth - this.drawnWidth) > 8) this.render();
    });
    resize.observe(this.timelineView);
    cleanup.add(() => resize.disconnect());
  }

  private setZoom(index: number): void {
    this.zoom = Math.max(0, Math.min(ZOOMS.length - 1, index));
    this.render();
  }

  /** A click or key on a clip: select it and seek the video to its start. */
  private choose(target: EventTarget | null): boolean {
    const bar = target instanceof Element ? target.closest<HTMLElement>(".nemo-segment") : null;
    if (!bar) return false;
    this.selected = `${bar.dataset.kind}:${bar.dataset.start}`;
    this.markSelected();
    this.seek(Number(bar.dataset.start) || 0);
    return true;
  }

  /** Move the playhead to `seconds` of the preview (null hides it). */
  setPlayhead(seconds: number | null): void {
    this.playheadAt = seconds;
    const shown = seconds !== null && this.duration > 0;
    this.playhead.hidden = !shown;
    if (!shown) return;
    const fraction = Math.max(0, Math.min(1, seconds / this.duration));
    this.playhead.style.setProperty("--nemo-playhead", fraction.toFixed(5));
    this.playhead.dataset.t = seconds.toFixed(2);
  }

  private markSelected(): void {
    for (const bar of this.timelineView.querySelectorAll<HTMLElement>(".nemo-segment")) {
      const on = `${bar.dataset.kind}:${bar.dataset.start}` === this.selected;
      bar.classList.toggle("nemo-selected", on);
      bar.setAttribute("aria-pressed", String(on));
    }
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.timelineToggle.setAttribute("aria-pressed", String(mode === "timeline"));
    this.tableToggle.setAttribute("aria-pressed", String(mode === "table"));
    this.timelineView.hidden = mode !== "timeline";
    this.tableView.hidden = mode !== "table";
  }

  render(): void {
    const layout = readTimeline(this.model.get("timeline"));
    const { title, duration, tracks } = layout;
    this.duration = duration;
    this.meta.textContent = [title, duration > 0 ? formatSeconds(duration) : ""]
      .filter(Boolean)
      .join(" · ");
    if (!hasSegments(layout)) {
      this.timelineView.replaceChildren(h("div", { class: "nemo-empty", text: EMPTY_HINT }));
      this.tableView.replaceChildren(h("div", { class: "nemo-empty", text: EMPTY_HINT }));
    } else {
      const zoom = ZOOMS[this.zoom];
      this.drawnWidth = this.timelineView.clientWidth;
      const lanePx = this.drawnWidth * zoom - LABEL_COLUMN_PX;
      const canvas = h("div", { class: "nemo-timeline-canvas", style: `width: ${zoom * 100}%` }, [
        rulerRow(duration, ticksThatFit(lanePx)),
        ...tracks.map((track) => trackRow(track, duration)),
        this.playhead,
      ]);
      this.timelineView.replaceChildren(canvas);
      this.timelineView.dataset.zoom = String(zoom);
      this.markSelected();
      this.setPlayhead(this.playheadAt);
      this.tableView.replaceChildren(trackTable(tracks));
    }
    this.zoomOut.toggleAttribute("disabled", this.zoom === 0);
    this.zoomIn.toggleAttribute("disabled", this.zoom === ZOOMS.length - 1);
    this.setMode(this.mode);
  }
}
