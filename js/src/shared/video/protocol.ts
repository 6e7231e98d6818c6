// The video messages both widgets speak (docs/widget-protocol.md, "Custom messages").
import { asRecord } from "../model";

/** The `video` trait: `{}` or the current MP4 (token grows with every new video). */
export interface VideoTrait {
  token: number | null;
  url: string | null;
  name: string;
  size: number;
}

export interface VideoRequest {
  type: "video_request";
  token: number;
}
export interface VideoAck {
  type: "video_ack";
  token: number;
  seq: number;
}
/** Browser -> kernel, video part. */
export type VideoToKernel = VideoRequest | VideoAck;

export interface VideoChunk {
  type: "video_chunk";
  token: number;
  seq: number;
  last: boolean;
  size: number | null;
}
export interface VideoError {
  type: "video_error";
  token: number;
  message: string;
}
/** Kernel -> browser, video part. */
export type VideoFromKernel = VideoChunk | VideoError;

/** The `video` trait, checked. */
export function readVideoTrait(raw: unknown): VideoTrait {
  const video = asRecord(raw) ?? {};
  const token = video.token;
  return {
    token: typeof token === "number" ? token : null,
    url: typeof video.url === "string" ? video.url : null,
    name: video.name ? String(video.name) : "",
    size: Number(video.size) || 0,
  };
}

/** A kernel message if it is one of the video messages, checked; else null. */
export function parseVideoMessage(content: Record<string, unknown>): VideoFromKernel | null {
  if (typeof content.token !== "number") return null;
  if (content.type === "video_chunk") {
    return {
      type: "video_chunk",
      token: content.token,
      seq: Number(content.seq),
      last: Boolean(content.last),
      size: typeof content.size === "number" ? content.size : null,
    };
  }
  if (content.type === "video_error") {
    const message = content.message ? String(content.message) : "The video could not be loaded.";
    return { type: "video_error", token: content.token, message };
  }
  return null;
}
