// protocol.json is the one list of trait names and message types: the TypeScript types (whose
// key lists the compiler checks against the message unions) must name exactly the same.
import assert from "node:assert/strict";
import { test } from "node:test";
import protocol from "../../nemo_widgets/widget/static/protocol.json";
import { PLAYER_FROM_KERNEL, PLAYER_TO_KERNEL, PLAYER_TRAITS } from "../src/player/protocol";
import { FROM_KERNEL_TYPES, parseMessage, TO_KERNEL_TYPES } from "../src/studio/protocol";
import { TRAIT_SET, TRAITS } from "../src/studio/traits";

const sorted = (names: string[]) => [...names].sort();

test("the studio's traits are protocol.json's, in its order", () => {
  assert.deepEqual(Object.keys(TRAIT_SET), protocol.studio.traits);
  assert.deepEqual(TRAITS, protocol.studio.traits);
});

test("the studio's message types are protocol.json's", () => {
  assert.deepEqual(sorted(Object.keys(TO_KERNEL_TYPES)), sorted(protocol.studio.to_kernel));
  assert.deepEqual(sorted(Object.keys(FROM_KERNEL_TYPES)), sorted(protocol.studio.to_browser));
});

test("every message type the kernel may send is understood", () => {
  for (const type of protocol.studio.to_browser) {
    assert.equal(parseMessage({ type, token: 1, id: "x" })?.type, type, type);
  }
});

test("the player's traits and message types are protocol.json's", () => {
  assert.deepEqual(sorted(Object.keys(PLAYER_TRAITS)), sorted(protocol.player.traits));
  assert.deepEqual(sorted(Object.keys(PLAYER_TO_KERNEL)), sorted(protocol.player.to_kernel));
  assert.deepEqual(sorted(Object.keys(PLAYER_FROM_KERNEL)), sorted(protocol.player.to_browser));
});
