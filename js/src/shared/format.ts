// Numbers in words people read: sizes and durations.

/** Bytes as "512 B", "1.5 MB", "24 MB" (powers of 1000, as file managers show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = "B";
  for (const next of ["kB", "MB", "GB", "TB"]) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/**
 * Seconds as "4.5 s" (or "1:05" from a minute on). `decimals: "fixed"` always shows one decimal
 * ("2.0 s", for a measured duration); "auto" drops it for whole seconds ("2 s", for a timeline).
 */
export function formatSeconds(seconds: number, decimals: "auto" | "fixed" = "auto"): string {
  const s = Number(seconds) || 0;
  if (s >= 60) {
    const whole = Math.round(s);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }
  return `${decimals === "auto" && Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
