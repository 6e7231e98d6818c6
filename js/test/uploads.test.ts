// The upload window: lazily read chunks, at most `window` unacknowledged, acks drive the rest.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { UploadToKernel } from "../src/studio/protocol";
import { LOST_KERNEL, UploadQueue, UPLOAD_STALL_MS } from "../src/studio/hub/uploads";

interface Sent {
  message: UploadToKernel;
  bytes: Uint8Array | null;
}

/** A queue whose kernel records what it got; `accept: false` is a closed comm. */
function queue(limits = { chunkSize: 4, window: 2, maxBytes: 0 }, accept = true) {
  const sent: Sent[] = [];
  let changes = 0;
  const uploads = new UploadQueue({
    send: (message, buffers) => {
      const buffer = buffers?.[0];
      sent.push({ message, bytes: buffer ? new Uint8Array(buffer) : null });
      return accept;
    },
    changed: () => (changes += 1),
    limits: () => limits,
  });
  return { uploads, sent, changes: () => changes };
}

/** Let the queue's file reads (promises) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
const types = (sent: Sent[]) => sent.map((s) => s.message.type);
const chunks = (sent: Sent[]) =>
  sent
    .filter((s) => s.message.type === "upload_chunk")
    .map((s) => s.message as { seq: number; offset: number });

test("a file goes in chunks, never more than the window unacknowledged", async () => {
  const { uploads, sent } = queue();
  uploads.add([new File([bytes(10)], "a.jpg", { type: "image/jpeg" })]);
  await settle();
  const job = uploads.jobs[0];
  assert.ok(job);
  assert.deepEqual(sent[0]?.message, {
    type: "upload_begin",
    id: job.id,
    name: "a.jpg",
    size: 10,
    mime: "image/jpeg",
  });
  assert.deepEqual(chunks(sent), [
    { type: "upload_chunk", id: job.id, seq: 0, offset: 0 },
    { type: "upload_chunk", id: job.id, seq: 1, offset: 4 },
  ]);
  uploads.onAck({ type: "upload_ack", id: job.id, received: 4, acked: [0] });
  await settle();
  assert.equal(chunks(sent).length, 3);
  assert.equal(job.received, 4);
  assert.ok(!types(sent).includes("upload_end")); // two still unacknowledged
  uploads.onAck({ type: "upload_ack", id: job.id, received: 10, acked: [1, 2] });
  await settle();
  assert.deepEqual(types(sent).at(-1), "upload_end");
  assert.equal(job.state, "sent");
  const joined = sent.flatMap((s) => (s.bytes ? [...s.bytes] : []));
  assert.deepEqual(joined, [...bytes(10)]);
  assert.ok(sent.every((s) => !s.bytes || s.bytes.byteLength <= 4));
});

test("files go one after another", async () => {
  const { uploads, sent } = queue({ chunkSize: 100, window: 8, maxBytes: 0 });
  uploads.add([
    new File([bytes(3)], "a.png", { type: "image/png" }),
    new File([bytes(3)], "b.mp3", { type: "audio/mpeg" }),
  ]);
  await settle();
  assert.deepEqual(types(sent), ["upload_begin", "upload_chunk"]);
  const [a, b] = uploads.jobs;
  uploads.onAck({ type: "upload_ack", id: a?.id ?? "", received: 3, acked: [0] });
  await settle();
  assert.deepEqual(types(sent), [
    "upload_begin",
    "upload_chunk",
    "upload_end",
    "upload_begin",
    "upload_chunk",
  ]);
  assert.equal((sent[3]?.message as { id: string }).id, b?.id);
});

test("what cannot be used is refused before anything is sent", async () => {
  const { uploads, sent } = queue({ chunkSize: 4, window: 2, maxBytes: 5 });
  uploads.add([
    new File(["x"], "notes.txt", { type: "text/plain" }),
    new File([bytes(6)], "big.jpg", { type: "image/jpeg" }),
  ]);
  await settle();
  assert.deepEqual(sent, []);
  assert.deepEqual(
    uploads.jobs.map((job) => [job.state, job.error]),
    [
      ["error", "notes.txt is not a photo, video or audio file, so it cannot be used."],
      ["error", "big.jpg is 6 B; files can be at most 5 B. Make it smaller and attach it again."],
    ],
  );
  const pasted = new Blob([bytes(2)], { type: "image/png" });
  uploads.add([pasted]);
  assert.match(uploads.jobs[2]?.name ?? "", /^pasted-\d+\.png$/);
});

test("a cancelled upload stays cancelled when late acks arrive", async () => {
  const { uploads, sent } = queue();
  uploads.add([new File([bytes(20)], "a.jpg", { type: "image/jpeg" })]);
  await settle();
  const id = uploads.jobs[0]?.id ?? "";
  uploads.cancel(id);
  assert.deepEqual(sent.at(-1)?.message, { type: "upload_cancel", id });
  const before = sent.length;
  uploads.onAck({ type: "upload_ack", id, received: 8, acked: [0, 1] });
  await settle();
  assert.equal(sent.length, before);
  assert.deepEqual(uploads.jobs, []);
});

test("a closed comm or a silent kernel fails the upload with what to do", async () => {
  const closed = queue(undefined, false);
  closed.uploads.add([new File([bytes(3)], "a.jpg", { type: "image/jpeg" })]);
  await settle();
  assert.equal(closed.uploads.jobs[0]?.error, LOST_KERNEL);

  const silent = queue();
  silent.uploads.add([new File([bytes(10)], "b.jpg", { type: "image/jpeg" })]);
  await settle();
  const job = silent.uploads.jobs[0];
  assert.ok(job);
  silent.uploads.tick(job.lastHeard + UPLOAD_STALL_MS - 1);
  assert.equal(job.state, "uploading");
  silent.uploads.tick(job.lastHeard + UPLOAD_STALL_MS + 1);
  assert.equal(job.state, "error");
  assert.match(job.error ?? "", /stopped answering while b\.jpg was uploading/);
  assert.deepEqual(silent.sent.at(-1)?.message, { type: "upload_cancel", id: job.id });
});

test("an upload_error fails that file; the kernel's list prunes finished ones", async () => {
  const { uploads } = queue({ chunkSize: 100, window: 8, maxBytes: 0 });
  uploads.add([new File([bytes(3)], "a.jpg", { type: "image/jpeg" })]);
  await settle();
  const job = uploads.jobs[0];
  assert.ok(job);
  uploads.onError({ type: "upload_error", id: job.id, message: "Disk full." });
  assert.deepEqual([job.state, job.error], ["error", "Disk full."]);
  uploads.prune(new Set([job.id]));
  assert.equal(uploads.jobs.length, 1); // listed: kept
  uploads.prune(new Set());
  assert.equal(uploads.jobs.length, 0); // listed before, now gone: forgotten
});
