// VideoPlayer's side of the widget protocol: its traits and the messages it receives.
import { asRecord } from "../shared/model";
import { type VideoFromKernel, parseVideoMessage } from "../shared/video/protocol";

/** The player's traits (nemo_widgets/widget/player.py). */
export interface PlayerTraits {
  video: unknown;
  error: unknown;
  width: unknown;
}

/** Every message the kernel sends the player, checked; null for anything else. */
export function parsePlayerMessage(content: unknown): VideoFromKernel | null {
  const record = asRecord(content);
  return record ? parseVideoMessage(record) : null;
}
