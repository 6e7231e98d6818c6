// NemoStudio's side of the widget protocol (docs/widget-protocol.md): every message between the
// kernel and this front end as a type, and the checks that turn what arrives (never trusted)
// into those types.
import { asRecord } from "../shared/model";
import {
  parseVideoMessage,
  type VideoFromKernel,
  type VideoToKernel,
} from "../shared/video/protocol";

// ----------------------------------------------------------------------------- browser -> kernel

export interface SendMessage {
  type: "send";
  text: string;
}
export interface StopMessage {
  type: "stop";
}
export interface AnswerMessage {
  type: "answer";
  item_id: string;
  /** Per question, the labels of the chosen options. */
  choices: string[][];
}
export interface ExportMessage {
  type: "export";
}
export interface UploadBegin {
  type: "upload_begin";
  id: string;
  name: string;
  size: number;
  mime: string;
  /** the files attached together share one (the kernel says "Added 25 photos" once) */
  batch?: string;
  batch_size?: number;
}
/** Sent with one buffer of at most `upload_chunk_size` bytes. */
export interface UploadChunk {
  type: "upload_chunk";
  id: string;
  seq: number;
  offset: number;
}
export interface UploadEnd {
  type: "upload_end";
  id: string;
}
export interface UploadCancel {
  type: "upload_cancel";
  id: string;
}
export interface PollMessage {
  type: "poll";
  /** The last `seq` of `events` seen (0 before any). */
  after: number;
}
/** The empty studio's "Continue the last session" (the `resumable` trait's session). */
export interface ResumeMessage {
  type: "resume";
  session_id: string;
}
export type UploadToKernel = UploadBegin | UploadChunk | UploadEnd | UploadCancel;
export type ToKernel =
  | SendMessage
  | StopMessage
  | AnswerMessage
  | ExportMessage
  | UploadToKernel
  | PollMessage
  | ResumeMessage
  | VideoToKernel;

// ----------------------------------------------------------------------------- kernel -> browser

export type EventItem =
  { kind: "delta"; id: string; text: string } | { kind: "status"; text: string };
export interface EventsMessage {
  type: "events";
  /** Grows by one per message; null when the kernel sent none (applied at once). */
  seq: number | null;
  items: EventItem[];
  /** When the oldest item reached the kernel (ms since epoch), 0 if unknown. */
  t_kernel: number;
}
export interface UploadAck {
  type: "upload_ack";
  id: string;
  received: number | null;
  acked: number[];
}
export interface UploadError {
  type: "upload_error";
  id: string;
  message: string | null;
}
export type FromKernel = EventsMessage | UploadAck | UploadError | VideoFromKernel;

/** Each message type once: the compiler checks these against the unions, a test against
 * nemo_widgets/widget/static/protocol.json. */
export const TO_KERNEL_TYPES: Record<ToKernel["type"], true> = {
  send: true,
  stop: true,
  answer: true,
  export: true,
  upload_begin: true,
  upload_chunk: true,
  upload_end: true,
  upload_cancel: true,
  video_request: true,
  video_ack: true,
  poll: true,
  resume: true,
};
export const FROM_KERNEL_TYPES: Record<FromKernel["type"], true> = {
  events: true,
  upload_ack: true,
  upload_error: true,
  video_chunk: true,
  video_error: true,
};

function parseItem(raw: unknown): EventItem | null {
  const item = asRecord(raw);
  if (!item || typeof item.text !== "string") return null;
  if (item.kind === "delta" && item.id != null) {
    return { kind: "delta", id: String(item.id), text: item.text };
  }
  if (item.kind === "status") return { kind: "status", text: item.text };
  return null;
}

/** A message from the kernel, checked; null for anything this front end does not know. */
export function parseMessage(content: unknown): FromKernel | null {
  const message = asRecord(content);
  if (!message) return null;
  switch (message.type) {
    case "events":
      return {
        type: "events",
        seq: typeof message.seq === "number" ? message.seq : null,
        items: (Array.isArray(message.items) ? message.items : [])
          .map(parseItem)
          .filter((item): item is EventItem => item !== null),
        t_kernel: Number(message.t_kernel) || 0,
      };
    case "upload_ack":
      return {
        type: "upload_ack",
        id: String(message.id),
        received: typeof message.received === "number" ? message.received : null,
        acked: (Array.isArray(message.acked) ? message.acked : []).filter(
          (seq): seq is number => typeof seq === "number",
        ),
      };
    case "upload_error":
      return {
        type: "upload_error",
        id: String(message.id),
        message: message.message ? String(message.message) : null,
      };
    default:
      return parseVideoMessage(message);
  }
}
