// NemoStudio's traits (kernel -> browser, JSON), read through checks: kernel data is never
// trusted, so every reader returns a well-formed value whatever arrived.
import protocol from "../../../nemo_widgets/widget/static/protocol.json";
import { type AnyModel, asRecord } from "../shared/model";

/** Every trait of the studio and what the front end reads it as. */
export interface StudioTraits {
  backend: string;
  session_id: string;
  messages: ChatItem[];
  busy: boolean;
  queued: number;
  attachments: AttachmentEntry[];
  timeline: unknown; // read by timeline/layout.ts
  credits: string;
  export: ExportState;
  video: unknown; // read by shared/video/protocol.ts
  preview: unknown; // read by views/preview-panel.ts
  upload_chunk_size: number;
  upload_window: number;
  max_upload_bytes: number;
  debug: boolean;
  resumable: unknown; // readResumable
}
export type TraitName = keyof StudioTraits;

/** Each trait once: the compiler checks this against StudioTraits, a test against protocol.json. */
export const TRAIT_SET: Record<TraitName, true> = {
  backend: true,
  session_id: true,
  messages: true,
  busy: true,
  queued: true,
  attachments: true,
  timeline: true,
  credits: true,
  export: true,
  video: true,
  preview: true,
  upload_chunk_size: true,
  upload_window: true,
  max_upload_bytes: true,
  debug: true,
  resumable: true,
};
/** The trait names, from protocol.json (the one definition both sides read). */
export const TRAITS = protocol.studio.traits as TraitName[];

export interface QuestionOption {
  label: string;
}
export interface QuestionEntry {
  prompt: string | null;
  options: QuestionOption[];
  allowMultiple: boolean;
}
export interface Question {
  title: string;
  questions: QuestionEntry[];
}
export type Role = "user" | "assistant" | "status" | "error";

/** One item of the `messages` trait (ChatItem.to_json()). */
export interface ChatItem {
  id: string;
  role: Role;
  text: string;
  streaming: boolean;
  stopped: boolean;
  link: unknown;
  question: Question | null;
  answered: boolean;
  detail: string;
}
export interface AttachmentEntry {
  id: string;
  name: string | null;
  size: number | null;
  state: "uploading" | "done" | "error";
  progress: number;
  error: string | null;
  /** the kernel's thumbnail (a small JPEG data URL): after a reload, or for Python uploads */
  thumb?: string;
}
export interface ExportState {
  state: string;
  progress: number;
  error: string | null;
}

const ROLES: Role[] = ["user", "assistant", "status", "error"];

function readQuestion(raw: unknown): Question | null {
  const question = asRecord(raw);
  if (!question) return null;
  const list = Array.isArray(question.questions) ? question.questions : [];
  return {
    title: question.title ? String(question.title) : "",
    questions: list.map((value): QuestionEntry => {
      const entry = asRecord(value);
      const options = Array.isArray(entry?.options) ? entry.options : [];
      return {
        prompt: entry?.prompt == null ? null : String(entry.prompt),
        allowMultiple: Boolean(entry?.allow_multiple),
        options: options.map((option) => {
          const record = asRecord(option);
          return { label: String(record?.label ?? record?.id ?? "") };
        }),
      };
    }),
  };
}

export function readMessages(model: AnyModel): ChatItem[] {
  const value = model.get("messages");
  const items: ChatItem[] = [];
  for (const raw of Array.isArray(value) ? value : []) {
    const item = asRecord(raw);
    if (!item) continue;
    items.push({
      id: String(item.id),
      role: ROLES.includes(item.role as Role) ? (item.role as Role) : "status",
      text: typeof item.text === "string" ? item.text : item.text == null ? "" : String(item.text),
      streaming: Boolean(item.streaming),
      stopped: Boolean(item.stopped),
      link: item.link,
      question: readQuestion(item.question),
      answered: Boolean(item.answered),
      detail: typeof item.detail === "string" ? item.detail : "",
    });
  }
  return items;
}

export function readAttachments(model: AnyModel): AttachmentEntry[] {
  const value = model.get("attachments");
  const entries: AttachmentEntry[] = [];
  for (const raw of Array.isArray(value) ? value : []) {
    const entry = asRecord(raw);
    if (!entry || entry.id == null) continue;
    const thumb = typeof entry.thumb === "string" && entry.thumb.startsWith("data:image/");
    const state = entry.state;
    const progress = Number(entry.progress);
    entries.push({
      id: String(entry.id),
      name: entry.name == null ? null : String(entry.name),
      size: entry.size == null ? null : Number(entry.size),
      state: state === "uploading" || state === "done" || state === "error" ? state : "uploading",
      progress: Number.isFinite(progress) ? progress : 0,
      error: entry.error ? String(entry.error) : null,
      ...(thumb ? { thumb: String(entry.thumb) } : {}),
    });
  }
  return entries;
}

export function readExport(model: AnyModel): ExportState {
  const value = asRecord(model.get("export")) ?? {};
  return {
    state: String(value.state ?? ""),
    progress: Number(value.progress) || 0,
    error: value.error ? String(value.error) : null,
  };
}

/** A text trait ("" when empty). */
export function readText(model: AnyModel, name: "backend" | "credits" | "session_id"): string {
  return String(model.get(name) || "");
}

export function readFlag(model: AnyModel, name: "busy" | "debug"): boolean {
  return Boolean(model.get(name));
}

/** A count trait (0 when missing). */
export function readNumber(
  model: AnyModel,
  name: "queued" | "upload_chunk_size" | "upload_window" | "max_upload_bytes",
): number {
  return Number(model.get(name)) || 0;
}

/** The `resumable` trait: the last session the empty studio offers to continue, or null. */
export interface Resumable {
  sessionId: string;
  title: string;
}
export function readResumable(model: AnyModel): Resumable | null {
  const raw = asRecord(model.get("resumable"));
  if (!raw || typeof raw.session_id !== "string" || !raw.session_id) return null;
  return { sessionId: raw.session_id, title: typeof raw.title === "string" ? raw.title : "" };
}
