/**
 * Saving a figure from the panel, the decisions only: the decoded bytes must be the image type the page claims
 * (the PNG signature, or UTF-8 text starting with `<svg` or `<?xml`), the save dialog proposes
 * `figures/<name>` in the first workspace folder (the first name not yet taken there) and filters by type.
 * Pure (no `vscode`), unit-tested; save_figure.ts carries it out.
 */
import { figureExtension, isSafeFigureName, type FigureMime } from "../../../webview-pyodide/src/protocol";
import { uniqueName } from "../naming";

/** The workspace folder figures are proposed in, relative to the first workspace folder. */
export const figuresFolder = "figures";

export type FigureCheck = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Uint8Array): boolean {
  return bytes.length > pngSignature.length && pngSignature.every((b, i) => bytes[i] === b);
}

function isSvg(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("<svg")) return true;
  return start.startsWith("<?xml") && start.includes("<svg");
}

/**
 * Decodes a figure (base64 already checked by the protocol schema) and checks its name and bytes. The reason,
 * when refused, completes "The figure NAME was not saved: ...".
 */
export function checkFigure(name: string, mime: FigureMime, base64: string): FigureCheck {
  if (!isSafeFigureName(name, mime)) return { ok: false, reason: "its name is not a plain file name." };
  const bytes = new Uint8Array(Buffer.from(base64, "base64"));
  if (bytes.length === 0) return { ok: false, reason: "it is empty." };
  if (mime === "image/png" && !isPng(bytes)) return { ok: false, reason: "it is not a PNG image (no PNG signature)." };
  if (mime === "image/svg+xml" && !isSvg(bytes)) return { ok: false, reason: "it is not an SVG image (the text does not start with <svg or <?xml)." };
  return { ok: true, bytes };
}

/** The save dialog's filter: only the figure's own type. */
export function figureFilters(mime: FigureMime): Record<string, string[]> {
  return mime === "image/png" ? { "PNG image": ["png"] } : { "SVG image": ["svg"] };
}

/** The name proposed in `figures/`: the figure's own, else `<stem>_2.<ext>`, ... (taken is case-insensitive). */
export function defaultFigureName(name: string, mime: FigureMime, taken: ReadonlySet<string>): string {
  const ext = figureExtension(mime);
  const stem = name.toLowerCase().endsWith(ext) ? name.slice(0, name.length - ext.length) : name;
  const lower = new Set([...taken].map((n) => n.toLowerCase()));
  return uniqueName(stem, ext, (n) => lower.has(n.toLowerCase()));
}

/** The notification after a save: the path relative to the workspace, with forward slashes. */
export function savedMessage(relativePath: string): string {
  return `Saved ${relativePath.replace(/\\/g, "/")}`;
}
