// Which addresses may become a link or a video source.

/** An absolute http(s) URL, or null for anything else (javascript:, data:, relative...). */
export function httpUrl(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  try {
    const url = new URL(raw.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A URL fit for `<video src>`/`<a href>`: http(s), or a same-origin relative path. */
export function mediaUrl(raw: unknown): string | null {
  if (typeof raw !== "string" || !raw.trim()) return null;
  const absolute = httpUrl(raw);
  if (absolute) return absolute;
  const text = raw.trim();
  return /^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith("//") ? null : text;
}
