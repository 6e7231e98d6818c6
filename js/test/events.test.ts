// Streamed events: applied in seq order, once; a gap asks for a poll, then is skipped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EventStream, GAP_WAIT_MS } from "../src/studio/hub/events";
import { parseMessage, type EventsMessage } from "../src/studio/protocol";
import type { ChatItem } from "../src/studio/traits";

function item(id: string, text: string, streaming: boolean): ChatItem {
  return {
    id,
    role: "assistant",
    text,
    streaming,
    stopped: false,
    link: null,
    question: null,
    answered: false,
    detail: "",
  };
}
function events(seq: number, ...texts: string[]): EventsMessage {
  return {
    type: "events",
    seq,
    t_kernel: 5,
    items: texts.map((text) => ({ kind: "delta", id: "a1", text })),
  };
}
function stream(messages: ChatItem[] = [item("a1", "", true)]) {
  let polls = 0;
  const deltas: string[] = [];
  const events = new EventStream({
    messages: () => messages,
    poll: () => (polls += 1),
    delta: (id) => deltas.push(id),
    activity: () => {},
  });
  return { events, polls: () => polls, deltas, messages };
}

test("in order, once each; a gap waits for the missing message and asks for a poll", () => {
  const { events: s, polls } = stream();
  s.receive(events(1, "A"), 0);
  s.receive(events(3, "C"), 0);
  assert.equal(polls(), 1);
  s.receive(events(2, "B"), 10);
  s.receive(events(2, "B"), 10); // a replay
  const item1 = item("a1", "", true);
  assert.equal(s.displayText(item1), "ABC");
  assert.equal(s.firstDeltaKernelMs.get("a1"), 5);
});

test("a gap that never fills is skipped after GAP_WAIT_MS", () => {
  const { events: s } = stream();
  s.receive(events(1, "A"), 0);
  s.receive(events(3, "C"), 0);
  s.tick(GAP_WAIT_MS - 1);
  assert.equal(s.displayText(item("a1", "", true)), "A");
  s.tick(GAP_WAIT_MS);
  assert.equal(s.displayText(item("a1", "", true)), "AC");
  assert.equal(s.lastSeq, 3);
});

test("the committed text wins over deltas; deltas of unlisted items wait", () => {
  const messages = [item("a1", "Done.", false)];
  const { events: s, deltas } = stream(messages);
  s.receive(events(1, "late"), 0);
  assert.deepEqual(deltas, []);
  assert.equal(s.displayText(messages[0] as ChatItem), "Done.");
  s.receive({
    type: "events",
    seq: 2,
    t_kernel: 0,
    items: [{ kind: "delta", id: "a2", text: "Early" }],
  });
  s.prune();
  assert.equal(s.displayText(item("a2", "", true)), "Early");
  assert.equal(s.displayText(item("a2", "Early words", true)), "Early words"); // the longer
});

test("kernel messages are parsed into their types; unknown ones are dropped", () => {
  assert.deepEqual(
    parseMessage({
      type: "events",
      seq: 4,
      t_kernel: "7",
      items: [
        { kind: "delta", id: 3, text: "x" },
        { kind: "status", text: "Reading" },
        { kind: "delta", text: "no id" },
        null,
      ],
    }),
    {
      type: "events",
      seq: 4,
      t_kernel: 7,
      items: [
        { kind: "delta", id: "3", text: "x" },
        { kind: "status", text: "Reading" },
      ],
    },
  );
  assert.deepEqual(parseMessage({ type: "upload_ack", id: "u", received: 5, acked: [0, "1"] }), {
    type: "upload_ack",
    id: "u",
    received: 5,
    acked: [0],
  });
  assert.equal(parseMessage({ type: "surprise" }), null);
  assert.equal(parseMessage("events"), null);
});
