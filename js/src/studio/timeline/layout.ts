// The `timeline` trait, checked and laid out for drawing: tracks, bars placed by time as
// percentages of the whole, ruler ticks and the table's rows. No DOM here.
import { formatSeconds } from "../../shared/format";
import { asRecord } from "../../shared/model";

export type SegmentKind = "video" | "audio" | "text" | "other";

export interface SegmentRow {
  start: number;
  end: number;
  kind: SegmentKind;
  label: string;
  media: string;
  thumb: string | null;
  volume: number | null;
}
export interface TrackRow {
  number: number;
  word: string;
  label: string;
  kind: string;
  segments: SegmentRow[];
}
export interface TimelineLayout {
  title: string;
  duration: number;
  tracks: TrackRow[];
  readyForExport: boolean;
}

const KINDS: SegmentKind[] = ["video", "audio", "text"];

function readSegment(raw: unknown, trackVolume: unknown): SegmentRow | null {
  const seg = asRecord(raw);
  if (!seg || !Number.isFinite(Number(seg.start_s))) return null;
  const start = Number(seg.start_s);
  const kind = KINDS.includes(seg.kind as SegmentKind) ? (seg.kind as SegmentKind) : "other";
  const thumb = typeof seg.thumb === "string" && /^data:image\//.test(seg.thumb) ? seg.thumb : null;
  const volume = seg.volume ?? trackVolume;
  return {
    start,
    end: Math.max(start, Number(seg.end_s) || start),
    kind,
    label: String(seg.label || seg.text || ""),
    media: String(seg.media || kind),
    thumb,
    volume: volume == null || !Number.isFinite(Number(volume)) ? null : Number(volume),
  };
}

/** The `timeline` trait, checked and flattened for drawing (kernel data is never trusted). */
export function readTimeline(raw: unknown): TimelineLayout {
  const timeline = asRecord(raw) ?? {};
  const tracks = (Array.isArray(timeline.tracks) ? timeline.tracks : [])
    .map(asRecord)
    .filter((track): track is Record<string, unknown> => track !== null)
    .map((track, index): TrackRow => {
      const word = String(track.kind_word || track.kind || "Track");
      const name = String(track.name || "");
      const segments = (Array.isArray(track.segments) ? track.segments : [])
        .map((seg) => readSegment(seg, track.volume))
        .filter((seg): seg is SegmentRow => seg !== null);
      const label = name ? `${word} · ${name}` : word;
      return { number: index + 1, word, label, kind: String(track.kind || ""), segments };
    });
  const longest = Math.max(0, ...tracks.flatMap((t) => t.segments.map((s) => s.end)));
  const duration = Number(timeline.duration_s) > 0 ? Number(timeline.duration_s) : longest;
  return {
    title: String(timeline.title || ""),
    duration,
    tracks,
    readyForExport: Boolean(timeline.ready_for_export),
  };
}

/** Whether there is anything to draw. */
export function hasSegments(layout: TimelineLayout): boolean {
  return layout.duration > 0 && layout.tracks.some((track) => track.segments.length > 0);
}

/** Tick spacing for a timeline of `duration` seconds: `maxTicks` ticks or fewer (the panel
 * passes how many labels fit side by side, so that they never overlap). */
export function tickStep(duration: number, maxTicks = 10): number {
  const most = Math.max(1, Math.floor(maxTicks));
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) {
    if (duration / step <= most) return step;
  }
  return Math.ceil(duration / most / 600) * 600;
}

/** How many ruler labels fit in a lane `widthPx` wide (each needs about 40 px: "1:05" and a gap). */
export function ticksThatFit(widthPx: number): number {
  return widthPx > 0 ? Math.max(2, Math.floor(widthPx / 40)) : 10;
}

export interface Tick {
  t: number;
  /** from the left, in percent */
  left: number;
  label: string;
}

/** The ruler's ticks: every 1, 2, 5, 10... seconds from 0 to the end. */
export function ticks(duration: number, maxTicks = 10): Tick[] {
  const step = tickStep(duration, maxTicks);
  const list: Tick[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) {
    list.push({ t, left: (t / duration) * 100, label: formatSeconds(t).replace(" s", "s") });
  }
  return list;
}

/** Where a bar sits: left edge and width in percent of the whole. */
export function segmentBox(seg: SegmentRow, duration: number): { left: number; width: number } {
  return { left: (seg.start / duration) * 100, width: ((seg.end - seg.start) / duration) * 100 };
}

/** A segment's tooltip: its label, then "1 s – 2.5 s (1.5 s)". */
export function segmentTooltip(label: string, start: number, end: number): string {
  const times = `${formatSeconds(start)} – ${formatSeconds(end)} (${formatSeconds(end - start)})`;
  return label ? `${label}\n${times}` : times;
}

export const TABLE_COLUMNS = ["Track", "Kind", "Label", "Start", "End", "Duration", "Volume"];

/** The table's cells: one row per segment, in TABLE_COLUMNS order. */
export function tableRows(tracks: TrackRow[]): string[][] {
  return tracks.flatMap((track) =>
    track.segments.map((seg) => [
      `${track.number}. ${track.word}`,
      seg.media,
      seg.label,
      formatSeconds(seg.start),
      formatSeconds(seg.end),
      formatSeconds(seg.end - seg.start),
      seg.volume == null ? "—" : `${Math.round(seg.volume)}%`,
    ]),
  );
}
