// VideoPlayer's side of the widget protocol: its traits and the messages it receives.
import { asRecord } from "../shared/model";
import {
  parseVideoMessage,
  type VideoFromKernel,
  type VideoToKernel,
} from "../shared/video/protocol";

/** The player's traits (nemo_widgets/widget/player.py). */
export interface PlayerTraits {
  video: unknown;
  error: unknown;
  width: unknown;
  /** the small MP4 played while the full video comes from the kernel: `{}` or as `video` */
  preview: unknown;
}

/** Each trait and message type once (checked against protocol.json by a test). */
export const PLAYER_TRAITS: Record<keyof PlayerTraits, true> = {
  video: true,
  error: true,
  width: true,
  preview: true,
};
export const PLAYER_TO_KERNEL: Record<VideoToKernel["type"], true> = {
  video_request: true,
  video_ack: true,
};
export const PLAYER_FROM_KERNEL: Record<VideoFromKernel["type"], true> = {
  video_chunk: true,
  video_error: true,
};

/** Every message the kernel sends the player, checked; null for anything else. */
export function parsePlayerMessage(content: unknown): VideoFromKernel | null {
  const record = asRecord(content);
  return record ? parseVideoMessage(record) : null;
}
