// The timeline as DOM: a ruler, one row of bars per track, and the same as a table.
import { h } from "../../shared/dom";
import {
  segmentBox,
  type SegmentRow,
  segmentTooltip,
  TABLE_COLUMNS,
  tableRows,
  ticks,
  type TrackRow,
} from "./layout";

/** The time ruler: a tick every 1, 2, 5, 10... seconds. */
export function rulerRow(duration: number, maxTicks = 10): HTMLElement {
  const lane = h("div", { class: "nemo-ruler-lane" });
  for (const tick of ticks(duration, maxTicks)) {
    const mark = h("span", {
      class: "nemo-tick",
      style: `left: ${tick.left.toFixed(4)}%`,
      "data-t": String(tick.t),
    });
    mark.append(h("span", { class: "nemo-tick-label", text: tick.label }));
    lane.append(mark);
  }
  return h("div", { class: "nemo-track nemo-ruler" }, [
    h("span", { class: "nemo-track-label" }),
    lane,
  ]);
}

/** One bar, placed by time. */
function segmentBar(seg: SegmentRow, duration: number): HTMLElement {
  const { left, width } = segmentBox(seg, duration);
  const bar = h("div", {
    class: `nemo-segment nemo-seg-${seg.kind}`,
    "data-testid": "nemo-segment",
    "data-kind": seg.kind,
    "data-start": String(seg.start),
    "data-end": String(seg.end),
    style: `left: ${left.toFixed(4)}%; width: ${width.toFixed(4)}%`,
    title: segmentTooltip(seg.label, seg.start, seg.end),
    tabindex: "0",
    role: "button",
    "aria-pressed": "false",
    "aria-label": segmentTooltip(seg.label, seg.start, seg.end).replace("\n", ", "),
  });
  if (seg.kind === "video" && seg.thumb) {
    bar.append(h("img", { class: "nemo-seg-thumb", src: seg.thumb, alt: "" }));
  }
  bar.append(h("span", { class: "nemo-seg-label", text: seg.label }));
  return bar;
}

export function trackRow(track: TrackRow, duration: number): HTMLElement {
  const lane = h("div", { class: "nemo-lane" });
  for (const seg of track.segments) lane.append(segmentBar(seg, duration));
  return h("div", { class: "nemo-track", "data-track-kind": track.kind }, [
    h("span", { class: "nemo-track-label", text: track.label, title: track.label }),
    lane,
  ]);
}

/** The same segments as a table, one row each. */
export function trackTable(tracks: TrackRow[]): HTMLElement {
  const rows = tableRows(tracks).map((cells) =>
    h(
      "tr",
      {},
      cells.map((text) => h("td", { text })),
    ),
  );
  return h("table", { class: "nemo-table", "data-testid": "nemo-track-table" }, [
    h("thead", {}, [
      h(
        "tr",
        {},
        TABLE_COLUMNS.map((title) => h("th", { scope: "col", text: title })),
      ),
    ]),
    h("tbody", {}, rows),
  ]);
}
