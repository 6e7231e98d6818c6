// Outline icons (stroke paths on a 24x24 grid), drawn with DOM calls rather than emoji glyphs,
// which some Linux machines lack a font for.

const SVG_NS = "http://www.w3.org/2000/svg";

const ICONS = {
  paperclip: [
    "M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66" +
      "l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48",
  ],
  image: [
    "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    "M21 15l-5-5L5 21",
    "M8.5 7a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3z",
  ],
  music: [
    "M9 18V5l12-2v13",
    "M6 15a3 3 0 1 0 0 6a3 3 0 1 0 0-6z",
    "M18 13a3 3 0 1 0 0 6a3 3 0 1 0 0-6z",
  ],
  film: [
    "M4 2h16a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z",
    "M7 2v20M17 2v20M2 12h20M2 7h5M2 17h5M17 17h5M17 7h5",
  ],
};
export type IconName = keyof typeof ICONS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  const attrs = {
    viewBox: "0 0 24 24",
    width: "16",
    height: "16",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    class: "nemo-icon",
  };
  for (const [key, value] of Object.entries(attrs)) svg.setAttribute(key, value);
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** The icon for a file without a local preview. */
export function fileIcon(name: string, mime: string): SVGSVGElement {
  const type = mime || "";
  if (type.startsWith("video/") || /\.(mp4|mov|webm|mkv|avi|m4v)$/i.test(name)) return icon("film");
  if (type.startsWith("audio/") || /\.(mp3|wav|aac|m4a|ogg|flac|opus)$/i.test(name)) {
    return icon("music");
  }
  return icon("image");
}
