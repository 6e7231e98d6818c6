// The timeline panel: title and length, bars or the table (a toggle), or a hint when empty.
import { button, Disposer, h } from "../../shared/dom";
import { formatSeconds } from "../../shared/format";
import type { AnyModel } from "../../shared/model";
import { rulerRow, trackRow, trackTable } from "../timeline/draw";
import { hasSegments, readTimeline } from "../timeline/layout";

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

  constructor(
    private readonly model: AnyModel,
    cleanup: Disposer,
  ) {
    const toggle = { class: "nemo-toggle-button", "aria-pressed": "false" };
    this.timelineToggle = button("Timeline", "Show the timeline", toggle);
    this.tableToggle = button("Table", "Show the track table", toggle);
    this.el = h("section", { class: "nemo-panel", "aria-label": "Timeline" }, [
      h("div", { class: "nemo-panel-head" }, [
        h("span", { class: "nemo-panel-title", text: "Timeline" }),
        this.meta,
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
    this.meta.textContent = [title, duration > 0 ? formatSeconds(duration) : ""]
      .filter(Boolean)
      .join(" · ");
    if (!hasSegments(layout)) {
      this.timelineView.replaceChildren(h("div", { class: "nemo-empty", text: EMPTY_HINT }));
      this.tableView.replaceChildren(h("div", { class: "nemo-empty", text: EMPTY_HINT }));
    } else {
      this.timelineView.replaceChildren(
        rulerRow(duration),
        ...tracks.map((track) => trackRow(track, duration)),
      );
      this.tableView.replaceChildren(trackTable(tracks));
    }
    this.setMode(this.mode);
  }
}
