// Timeline layout: the trait checked, bars placed by time, ruler ticks, the table's rows.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  hasSegments,
  readTimeline,
  segmentBox,
  segmentTooltip,
  tableRows,
  tickStep,
  ticksThatFit,
  ticks,
} from "../src/studio/timeline/layout";

const TIMELINE = {
  title: "Trip",
  duration_s: 10,
  ready_for_export: true,
  tracks: [
    {
      kind: "video",
      kind_word: "Video",
      name: "Main",
      segments: [
        {
          start_s: 0,
          end_s: 4,
          kind: "video",
          label: "beach.jpg",
          thumb: "data:image/jpeg;base64,AA",
        },
        { start_s: 4, end_s: 10, kind: "video", label: "hill.jpg", thumb: "javascript:alert(1)" },
      ],
    },
    {
      kind: "audio",
      volume: 80,
      segments: [{ start_s: 0, end_s: 10, kind: "audio", media: "music" }],
    },
    null,
    {
      kind: "text",
      segments: [{ start_s: "x" }, { start_s: 2, end_s: 1, kind: "weird", text: "Hi" }],
    },
  ],
};

test("the trait is checked and flattened", () => {
  const layout = readTimeline(TIMELINE);
  assert.equal(layout.title, "Trip");
  assert.equal(layout.duration, 10);
  assert.equal(layout.readyForExport, true);
  assert.deepEqual(
    layout.tracks.map((t) => [t.number, t.label, t.segments.length]),
    [
      [1, "Video · Main", 2],
      [2, "audio", 1],
      [3, "text", 1],
    ],
  );
  const [beach, hill] = layout.tracks[0]?.segments ?? [];
  assert.equal(beach?.thumb, "data:image/jpeg;base64,AA");
  assert.equal(hill?.thumb, null); // only data:image URLs
  const odd = layout.tracks[2]?.segments[0];
  assert.deepEqual(
    [odd?.kind, odd?.start, odd?.end, odd?.label],
    ["other", 2, 2, "Hi"], // unknown kind, end never before start
  );
  assert.equal(layout.tracks[1]?.segments[0]?.volume, 80); // the track's volume
});

test("nothing to draw for an empty or missing timeline", () => {
  for (const raw of [undefined, null, "x", {}, { duration_s: 5, tracks: [{ segments: [] }] }]) {
    assert.equal(hasSegments(readTimeline(raw)), false);
  }
  assert.equal(hasSegments(readTimeline(TIMELINE)), true);
  // Without duration_s the longest segment decides.
  assert.equal(readTimeline({ tracks: TIMELINE.tracks }).duration, 10);
});

test("bars sit by time as percentages", () => {
  const [first, second] = readTimeline(TIMELINE).tracks[0]?.segments ?? [];
  assert.ok(first && second);
  assert.deepEqual(segmentBox(first, 10), { left: 0, width: 40 });
  assert.deepEqual(segmentBox(second, 10), { left: 40, width: 60 });
  assert.equal(segmentTooltip("beach.jpg", 1, 2.5), "beach.jpg\n1 s – 2.5 s (1.5 s)");
  assert.equal(segmentTooltip("", 0, 75), "0 s – 1:15 (1:15)");
});

test("about ten ruler ticks or fewer, labelled", () => {
  assert.equal(tickStep(10), 1);
  assert.equal(tickStep(11), 2);
  assert.equal(tickStep(73), 10);
  assert.equal(tickStep(7000), 1200);
  for (const duration of [1, 9.5, 10, 61, 599, 3600, 7000]) {
    const list = ticks(duration);
    assert.ok(list.length >= 1 && list.length <= 11, `${duration}: ${list.length}`);
    assert.ok(list.every((tick) => tick.left >= 0 && tick.left <= 100));
  }
  assert.deepEqual(
    ticks(20).map((t) => t.label),
    ["0s", "2s", "4s", "6s", "8s", "10s", "12s", "14s", "16s", "18s", "20s"],
  );
  assert.equal(ticks(120).at(-1)?.label, "2:00");
});

test("the table has one row per segment", () => {
  assert.deepEqual(tableRows(readTimeline(TIMELINE).tracks), [
    ["1. Video", "video", "beach.jpg", "0 s", "4 s", "4 s", "—"],
    ["1. Video", "video", "hill.jpg", "4 s", "10 s", "6 s", "—"],
    ["2. audio", "music", "", "0 s", "10 s", "10 s", "80%"],
    ["3. text", "other", "Hi", "2 s", "2 s", "0 s", "—"],
  ]);
});

test("the ruler never has more labels than fit side by side", () => {
  assert.equal(ticksThatFit(0), 10);
  assert.equal(ticksThatFit(200), 5);
  assert.equal(ticksThatFit(60), 2);
  // 73 s in a 200 px lane: five labels at most, so a tick every 15 s, not every 10 s
  assert.equal(tickStep(73, ticksThatFit(200)), 15);
  assert.ok(ticks(73, 5).length <= 5 + 1);
});
