// The traits as the views read them: whatever the kernel sent, a well-formed value.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnyModel } from "../src/shared/model";
import { readAttachments, readExport, readMessages } from "../src/studio/traits";

function model(state: Record<string, unknown>): AnyModel {
  return {
    get: (name) => state[name],
    set: () => {},
    save_changes: () => {},
    send: () => {},
    on: () => {},
    off: () => {},
  };
}

test("chat items: unknown roles are status lines, odd entries are skipped", () => {
  const items = readMessages(
    model({
      messages: [
        { id: 1, role: "assistant", text: "Hi", streaming: 1 },
        {
          id: "q",
          role: "robot",
          text: null,
          question: { questions: [{ options: [{ id: "o" }] }] },
        },
        null,
        "text",
        [],
      ],
    }),
  );
  assert.deepEqual(
    items.map((item) => [item.id, item.role, item.text, item.streaming]),
    [
      ["1", "assistant", "Hi", true],
      ["q", "status", "", false],
    ],
  );
  assert.deepEqual(items[1]?.question, {
    title: "",
    questions: [{ prompt: null, allowMultiple: false, options: [{ label: "o" }] }],
  });
  assert.deepEqual(readMessages(model({ messages: "nope" })), []);
});

test("attachments and the export state", () => {
  const entries = readAttachments(
    model({
      attachments: [
        { id: "a", name: "a.jpg", size: 3, state: "done", progress: 1 },
        { id: "b", state: "weird", progress: "x", error: "Too big." },
        { name: "no id" },
      ],
    }),
  );
  assert.deepEqual(entries, [
    { id: "a", name: "a.jpg", size: 3, state: "done", progress: 1, error: null },
    { id: "b", name: null, size: null, state: "uploading", progress: 0, error: "Too big." },
  ]);
  assert.deepEqual(readExport(model({})), { state: "", progress: 0, error: null });
  assert.deepEqual(readExport(model({ export: { state: "rendering", progress: "40" } })), {
    state: "rendering",
    progress: 40,
    error: null,
  });
});
