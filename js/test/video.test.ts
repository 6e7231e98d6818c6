// Chunk assembly: the kernel's video_chunk pieces become one Blob, whatever their order.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { VideoChunk, VideoToKernel } from "../src/shared/video/protocol";
import { parseVideoMessage, readVideoTrait } from "../src/shared/video/protocol";
import { VideoReceiver } from "../src/shared/video/receiver";

function receiver(token: number | null = 1) {
  const sent: VideoToKernel[] = [];
  let changes = 0;
  const video = new VideoReceiver(
    (m) => sent.push(m),
    () => (changes += 1),
    token,
  );
  return { video, sent, changes: () => changes };
}
const chunk = (seq: number, last = false, token = 1): VideoChunk => ({
  type: "video_chunk",
  token,
  seq,
  last,
  size: 6,
});
const piece = (...values: number[]) => Uint8Array.from(values);

test("pieces in any order, once each, make the file; each piece is acknowledged", async () => {
  const { video, sent } = receiver();
  video.request(1, 6);
  video.request(1, 6); // a second view asks too: one request
  assert.deepEqual(sent, [{ type: "video_request", token: 1 }]);
  video.onChunk(chunk(2, true), piece(5, 6));
  video.onChunk(chunk(0), piece(1, 2));
  video.onChunk(chunk(0), piece(9, 9)); // a duplicate is dropped
  assert.equal(video.transfer.state, "fetching");
  assert.equal(video.transfer.received, 4);
  video.onChunk(chunk(1), piece(3, 4));
  assert.equal(video.transfer.state, "ready");
  const blob = video.transfer.blob;
  assert.ok(blob);
  assert.equal(blob.type, "video/mp4");
  assert.deepEqual([...new Uint8Array(await blob.arrayBuffer())], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(
    sent.slice(1).map((m) => m.type === "video_ack" && m.seq),
    [2, 0, 0, 1],
  );
});

test("pieces of another video or before a request are acknowledged and dropped", () => {
  const { video, sent } = receiver();
  video.onChunk(chunk(0, true), piece(1)); // not asked for
  video.request(1, 1);
  video.onChunk(chunk(0, true, 2), piece(1)); // another token
  video.onChunk({ ...chunk(0, true), seq: -1 }, piece(1));
  assert.equal(video.transfer.state, "fetching");
  assert.equal(sent.filter((m) => m.type === "video_ack").length, 3);
});

test("an error fails the transfer, but a late one after the whole file changes nothing", () => {
  const failing = receiver();
  failing.video.request(1, 6);
  failing.video.onError({ type: "video_error", token: 1, message: "The file changed." });
  assert.deepEqual(
    [failing.video.transfer.state, failing.video.transfer.error],
    ["error", "The file changed."],
  );

  const whole = receiver();
  whole.video.request(1, 1);
  whole.video.onChunk(chunk(0, true), piece(7));
  const changes = whole.changes();
  whole.video.onError({ type: "video_error", token: 1, message: "late" });
  assert.equal(whole.video.transfer.state, "ready");
  assert.equal(whole.changes(), changes);
});

test("a new token starts over; the same token changes nothing", () => {
  const { video, changes } = receiver();
  video.request(1, 1);
  video.setToken(1);
  assert.equal(changes(), 1);
  video.setToken(2);
  assert.deepEqual([video.transfer.token, video.transfer.state], [2, "idle"]);
});

test("messages and the trait are checked", () => {
  assert.deepEqual(
    parseVideoMessage({ type: "video_chunk", token: 3, seq: "2", last: 1, size: "x" }),
    {
      type: "video_chunk",
      token: 3,
      seq: 2,
      last: true,
      size: null,
    },
  );
  assert.deepEqual(parseVideoMessage({ type: "video_error", token: 3 }), {
    type: "video_error",
    token: 3,
    message: "The video could not be loaded.",
  });
  assert.equal(parseVideoMessage({ type: "video_chunk", token: "3" }), null);
  assert.deepEqual(readVideoTrait({}), { token: null, url: null, name: "", size: 0 });
  assert.deepEqual(readVideoTrait({ token: 2, url: 5, name: "a.mp4", size: "10" }), {
    token: 2,
    url: null,
    name: "a.mp4",
    size: 10,
  });
});
