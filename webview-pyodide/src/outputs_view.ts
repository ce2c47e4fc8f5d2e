/**
 * Draws a cell's outputs (the output contract: what the code displayed, then the files it wrote under /output),
 * each by its kind: text and JSON as text; Markdown through markdown.ts (markdown-it, raw HTML off); HTML only inside an
 * opaque-origin sandboxed iframe (no scripts, no same-origin); PNG and SVG as data: images (an SVG in an <img>
 * runs no script); Vega-Lite charts through charts.ts, a separate chunk of the bundle loaded with the first chart
 * (the chart libraries are most of the panel's JavaScript). Images and charts get Save buttons.
 */

import { button, el, failChart, utf8Base64 } from "./dom";
import { renderMarkdown } from "./markdown";
import { type DataFile, type Figure, type FigureMime, type Output, outputType, safeFigureName } from "./protocol";

function textOf(output: Output): string {
  return output.text ?? "";
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function caption(name: string, ...buttons: HTMLButtonElement[]): HTMLElement {
  const node = el("figcaption", "output-figure-caption");
  node.append(el("span", "output-figure-name", name), ...buttons);
  return node;
}

/** A chart's figure, drawn once the chart code has loaded. */
function chartFigure(specText: string, dataFiles: readonly DataFile[], name: string, save: (figure: Figure) => void): HTMLElement {
  const root = el("figure", "output-chart");
  root.dataset.chart = "drawing";
  import("./charts").then(
    (charts) => charts.drawChart(root, specText, dataFiles, name, save),
    (error: unknown) => failChart(root, `the chart code did not load (${error instanceof Error ? error.message : String(error)}); reopen the panel.`),
  );
  return root;
}

function renderImage(output: Output, label: string, save: (figure: Figure) => void): HTMLElement {
  const mime: FigureMime = output.mime === "image/png" ? "image/png" : "image/svg+xml";
  const base64 = output.base64 ?? utf8Base64(textOf(output));
  const figure = el("figure", "output-figure");
  const img = el("img", "output-image");
  img.alt = label;
  img.src = `data:${mime};base64,${base64}`;
  const name = safeFigureName(label, mime);
  figure.append(img, caption(label, button("Save", `Save figure ${label}`, "save-figure", true, () => save({ name, mime, base64 }))));
  return figure;
}

/** One output; a displayed one is named after its place in the run's list (chart-N, output-N), as the extension and
 * `agentcode run --output-dir` name it. */
function renderOne(output: Output, index: number, dataFiles: readonly DataFile[], save: (figure: Figure) => void): HTMLElement {
  const type = outputType(output.mime);
  const wrapper = el("div", `output output-${type?.kind ?? "unknown"}`);
  wrapper.dataset.mime = output.mime;
  if (output.name !== undefined) wrapper.dataset.name = output.name;
  const label = output.name ?? `output-${index + 1}`;
  switch (type?.kind) {
    case "vega-lite":
      wrapper.append(chartFigure(textOf(output), dataFiles, output.name ?? `chart-${index + 1}`, save));
      break;
    case "image":
      wrapper.append(renderImage(output, label, save));
      break;
    case "html": {
      const frame = el("iframe", "output-html");
      frame.setAttribute("sandbox", "");
      frame.title = output.name ?? "HTML output";
      frame.srcdoc = textOf(output);
      wrapper.append(frame);
      break;
    }
    case "markdown": {
      const body = el("div", "output-markdown-body");
      body.innerHTML = renderMarkdown(textOf(output));
      wrapper.append(body);
      break;
    }
    case "json":
      wrapper.append(el("pre", "output-json-body", prettyJson(textOf(output))));
      break;
    case "text":
      wrapper.append(el("pre", "output-text-body", textOf(output)));
      break;
    default: {
      const base64 = output.base64 ?? "";
      const bytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);
      wrapper.append(el("div", "output-file-body", `${label} (${bytes} bytes, ${output.mime})`));
    }
  }
  if (output.name !== undefined && type?.kind !== "image" && type?.kind !== "file" && type !== undefined) {
    wrapper.prepend(el("div", "output-name", `/output/${output.name}`));
  }
  return wrapper;
}

/** The element holding all of a cell's outputs, in order. */
export function renderOutputs(outputs: readonly Output[], dataFiles: readonly DataFile[], save: (figure: Figure) => void): HTMLElement {
  const root = el("div", "outputs");
  outputs.forEach((output, index) => root.append(renderOne(output, index, dataFiles, save)));
  return root;
}
