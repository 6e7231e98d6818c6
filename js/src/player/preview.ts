// The pure parts of playing a preview first: which transfer a kernel message belongs to, and
// what the line under the video says.
import type { VideoStatus } from "../shared/video/source";

/** The kernel numbers the video and its preview from one sequence: a token names one file. */
export function isPreviewToken(token: number, previewToken: number | null): boolean {
  return previewToken !== null && token === previewToken;
}

/**
 * The status line: the full video's status, or, while the preview is what plays, that it is
 * a preview and how much of the full video has arrived.
 */
export function statusText(full: VideoStatus, previewPlaying: boolean): string {
  if (full.kind === "loading") {
    return previewPlaying
      ? `Preview · full video ${full.percent}%`
      : `Loading the video from the notebook… ${full.percent}%`;
  }
  if (full.kind === "unplayable") {
    return "This browser cannot play this video here: use the download link.";
  }
  return "";
}
