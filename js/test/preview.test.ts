// The live preview's pure parts: the trait read through checks, the poster, the note.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readTimeline } from "../src/studio/timeline/layout";
import { posterOf, previewNote, readPreviewTrait, WORDS } from "../src/studio/views/preview-panel";

test("the preview trait: {} is no preview, a ready one needs its file's token", () => {
  assert.equal(readPreviewTrait({}).state, "none");
  assert.equal(readPreviewTrait(null).state, "none");
  assert.equal(readPreviewTrait({ state: "ready" }).state, "none"); // no file to play
  assert.equal(readPreviewTrait({ state: "bogus", token: 3 }).state, "none");
  const ready = readPreviewTrait({
    state: "ready",
    token: 3,
    url: "/x.mp4",
    name: "p.mp4",
    size: 9,
  });
  assert.deepEqual(ready, {
    state: "ready",
    token: 3,
    url: "/x.mp4",
    name: "p.mp4",
    size: 9,
    error: null,
  });
  assert.equal(readPreviewTrait({ state: "rendering", token: null }).state, "rendering");
  assert.equal(readPreviewTrait({ state: "failed", error: 5 }).error, "5");
});

test("the poster is the draft's earliest picture, never a title or a sound", () => {
  const thumb = (n: number) => `data:image/jpeg;base64,${n}`;
  const layout = readTimeline({
    duration_s: 6,
    tracks: [
      { kind: "text", segments: [{ kind: "text", start_s: 0, end_s: 2, text: "Hi" }] },
      {
        kind: "video",
        segments: [
          { kind: "video", start_s: 2, end_s: 4, thumb: thumb(2) },
          { kind: "video", start_s: 0, end_s: 2, thumb: thumb(1) },
        ],
      },
    ],
  });
  assert.equal(posterOf(layout), thumb(1));
  assert.equal(posterOf(readTimeline({ tracks: [] })), null);
  const unsafe = readTimeline({
    tracks: [{ kind: "video", segments: [{ kind: "video", start_s: 0, thumb: "javascript:x" }] }],
  });
  assert.equal(posterOf(unsafe), null);
});

test("the note says what is happening, and that Export still works when a preview fails", () => {
  assert.equal(previewNote(readPreviewTrait({ state: "rendering" })), "Rendering the preview…");
  assert.equal(previewNote(readPreviewTrait({ state: "ready", token: 1 })), "");
  assert.match(
    previewNote(readPreviewTrait({ state: "failed", error: "no space left" })),
    /no space left\. Export still makes the full video\./,
  );
});

test("the note in Chinese for a Chinese page", () => {
  assert.equal(previewNote(readPreviewTrait({ state: "rendering" }), WORDS.zh), "正在生成预览…");
  assert.equal(
    previewNote(readPreviewTrait({ state: "failed", error: "磁盘已满。" }), WORDS.zh),
    "无法生成预览：磁盘已满。导出仍会生成完整视频。",
  );
  assert.equal(
    previewNote(readPreviewTrait({ state: "failed" }), WORDS.zh),
    "无法生成预览。导出仍会生成完整视频。",
  );
});
