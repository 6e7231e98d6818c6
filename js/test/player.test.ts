// VideoPlayer with a preview: the transport routes each kernel message to its file's transfer
// and asks for the preview before the full video; the status line says what plays.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isPreviewToken, statusText } from "../src/player/preview";
import { PlayerTransport, PREVIEW_HEAD_START_MS } from "../src/player/transport";
import type { AnyModel } from "../src/shared/model";

/** A model with traits and custom-message listeners, recording what the front end sends. */
function fakeModel(state: Record<string, unknown>) {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const sent: Record<string, unknown>[] = [];
  const model: AnyModel = {
    get: (name) => state[name],
    set: (name, value) => (state[name] = value),
    save_changes: () => {},
    send: (content) => sent.push(content as Record<string, unknown>),
    on: (name, callback) => {
      listeners.set(name, [...(listeners.get(name) ?? []), callback as () => void]);
    },
    off: () => {},
  };
  const fire = (name: string, ...args: unknown[]) => {
    for (const callback of listeners.get(name) ?? []) callback(...args);
  };
  return { model, sent, fire };
}

const VIDEO = { token: 1, url: null, name: "clip.mp4", size: 4 };
const PREVIEW = { token: 2, url: null, name: "clip.preview.mp4", size: 2 };
const chunk = (token: number, seq: number, last: boolean, size: number) => ({
  type: "video_chunk",
  token,
  seq,
  last,
  size,
});

test("the preview is asked for first, the video once it came; pieces go to their file", async () => {
  const { model, sent, fire } = fakeModel({ video: VIDEO, preview: PREVIEW });
  const transport = new PlayerTransport(model);
  transport.receiver.request(1, 4);
  assert.deepEqual([...sent], [{ type: "video_request", token: 2 }]);
  assert.equal(transport.receiver.transfer.state, "fetching"); // asked for, held back
  fire("msg:custom", chunk(2, 0, true, 2), [Uint8Array.of(8, 9)]);
  assert.equal(transport.preview.transfer.state, "ready");
  assert.deepEqual(sent.slice(1), [
    { type: "video_ack", token: 2, seq: 0 },
    { type: "video_request", token: 1 },
  ]);
  fire("msg:custom", chunk(1, 0, false, 4), [Uint8Array.of(1, 2)]);
  assert.equal(transport.receiver.transfer.received, 2);
  fire("msg:custom", chunk(1, 1, true, 4), [Uint8Array.of(3, 4)]);
  const full = transport.receiver.transfer.blob;
  const preview = transport.preview.transfer.blob;
  assert.ok(full && preview);
  assert.deepEqual([...new Uint8Array(await full.arrayBuffer())], [1, 2, 3, 4]);
  assert.deepEqual([...new Uint8Array(await preview.arrayBuffer())], [8, 9]);
  const acks = sent.filter((m) => m.type === "video_ack").map((m) => [m.token, m.seq]);
  assert.deepEqual(acks, [
    [2, 0],
    [1, 0],
    [1, 1],
  ]);
  transport.dispose();
});

test("a preview error fails the preview alone; without a preview nothing extra is asked", () => {
  const withPreview = fakeModel({ video: VIDEO, preview: PREVIEW });
  const transport = new PlayerTransport(withPreview.model);
  transport.receiver.request(1, 4);
  withPreview.fire("msg:custom", { type: "video_error", token: 2, message: "gone" }, []);
  assert.equal(transport.preview.transfer.state, "error");
  assert.equal(transport.receiver.transfer.state, "fetching");
  assert.deepEqual(withPreview.sent.at(-1), { type: "video_request", token: 1 }); // not held

  const plain = fakeModel({ video: VIDEO, preview: {} });
  new PlayerTransport(plain.model).receiver.request(1, 4);
  assert.deepEqual(plain.sent, [{ type: "video_request", token: 1 }]);

  // A preview with its own URL is fetched from there by the view, not asked of the kernel.
  const served = fakeModel({ video: VIDEO, preview: { ...PREVIEW, url: "http://127.0.0.1/p" } });
  new PlayerTransport(served.model).receiver.request(1, 4);
  assert.deepEqual(served.sent, [{ type: "video_request", token: 1 }]);
});

test("a preview whose answer never comes holds the video back for a few seconds only", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { model, sent } = fakeModel({ video: VIDEO, preview: PREVIEW });
  const transport = new PlayerTransport(model);
  transport.receiver.request(1, 4);
  t.mock.timers.tick(PREVIEW_HEAD_START_MS - 1);
  assert.equal(sent.length, 1);
  t.mock.timers.tick(1);
  assert.deepEqual(sent.at(-1), { type: "video_request", token: 1 });
  transport.dispose();
});

test("a token names the preview only when it is the preview's", () => {
  assert.equal(isPreviewToken(2, 2), true);
  assert.equal(isPreviewToken(1, 2), false);
  assert.equal(isPreviewToken(2, null), false);
});

test("the status line says a preview plays and how much of the full video has come", () => {
  const loading = { kind: "loading", percent: 40 } as const;
  assert.equal(statusText(loading, true), "Preview · full video 40%");
  assert.equal(statusText(loading, false), "Loading the video from the notebook… 40%");
  assert.equal(statusText({ kind: "none" }, true), "");
  assert.match(statusText({ kind: "unplayable" }, false), /cannot play this video here/);
  assert.equal(statusText({ kind: "failed", message: "gone" }, false), "");
});
