/**
 * Draws Vega-Lite charts with vega-embed under the panel's CSP: the SVG renderer, expressions interpreted by
 * vega-interpreter (no eval, so the policy needs no 'unsafe-eval'), no style elements (vega-embed's and
 * vega-tooltip's default styles are off; panel.css styles both), colours from the VS Code theme, and a loader
 * that fetches nothing: a chart gets its data inline, or from a /data file the cell already has (CSV and TSV read
 * by dsv.ts, without eval); any other URL is refused with a sentence saying so, shown in the cell. Each chart has Save as SVG and Save as PNG.
 */

import * as vega from "vega";
import embed, { type VisualizationSpec } from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";
import { button, el, failChart, utf8Base64 } from "./dom";
import { dsvReader } from "./dsv";
import { type DataFile, type Figure, outputContract, safeFigureName } from "./protocol";

const dataPrefix = `${outputContract.dataDir}/`;

// vega re-exports vega-loader's `formats` registry (not in its typings); delimited text is read without eval.
const formats = (vega as unknown as { formats: (name: string, reader: unknown) => unknown }).formats;
formats("csv", dsvReader(","));
formats("tsv", dsvReader("\t"));
formats("dsv", dsvReader(undefined));

/** The sentence for a chart that wants to load something from outside the cell. */
export function networkRefusal(uri: string): string {
  return `The chart loads '${uri}', and charts get no network. Put the rows in data.values, or read a /data file the cell has as data.url "${dataPrefix}NAME".`;
}

/** The sentence for a chart that reads a /data file the cell does not have. */
export function missingDataFile(uri: string, dataFiles: readonly DataFile[]): string {
  const start = `The chart reads '${uri}', which is not one of the cell's data files.`;
  if (dataFiles.length === 0) return `${start} The cell has no data files: run it with that file as data, or put the rows in data.values.`;
  return `${start} The cell has ${dataFiles.map((f) => `${dataPrefix}${f.name}`).join(", ")}; pick one of those, or put the rows in data.values.`;
}

function dataFile(uri: string, dataFiles: readonly DataFile[]): DataFile | undefined {
  return uri.startsWith(dataPrefix) ? dataFiles.find((f) => f.name === uri.slice(dataPrefix.length)) : undefined;
}

function decodeUtf8(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder("utf-8").decode(bytes);
}

/** A Vega loader that answers /data/NAME from the cell's files and refuses everything else before any request. */
export function offlineLoader(dataFiles: readonly DataFile[]): ReturnType<typeof vega.loader> {
  const loader = vega.loader();
  const refuse = (uri: string): Promise<never> =>
    Promise.reject(new Error(uri.startsWith(dataPrefix) ? missingDataFile(uri, dataFiles) : networkRefusal(uri)));
  loader.sanitize = (uri: string) => (dataFile(uri, dataFiles) ? Promise.resolve({ href: uri }) : refuse(uri));
  loader.load = (uri: string) => {
    const file = dataFile(uri, dataFiles);
    return file ? Promise.resolve(decodeUtf8(file.base64)) : refuse(uri);
  };
  loader.http = (uri: string) => refuse(uri);
  loader.file = (uri: string) => refuse(uri);
  return loader;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value === "" ? fallback : value;
}

/** Vega config from the VS Code theme's colours, so charts read well in dark and light themes. */
function themeConfig(): Record<string, unknown> {
  const fg = cssVar("--vscode-foreground", "#222");
  const grid = cssVar("--vscode-panel-border", "#ccc");
  const palette = ["blue", "orange", "green", "red", "purple", "yellow"].map((c, i) => cssVar(`--vscode-charts-${c}`, ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#bcbd22"][i]));
  const font = cssVar("--vscode-font-family", "sans-serif");
  return {
    background: null,
    font,
    mark: { color: palette[0] },
    range: { category: palette },
    axis: { labelColor: fg, titleColor: fg, domainColor: fg, tickColor: fg, gridColor: grid },
    legend: { labelColor: fg, titleColor: fg },
    title: { color: fg, subtitleColor: fg },
    header: { labelColor: fg, titleColor: fg },
    view: { stroke: grid },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A Vega logger that keeps the problems a user must see. Vega reports a data file it could not load or parse as a
 * warning and draws the chart without it; here that is an error of the chart, with the loader's sentence.
 */
function problemLogger(problems: string[]) {
  let level = 0;
  const keep = (args: unknown[]): void => {
    const reason = args.length >= 3 ? errorText(args[2]) : args.map(errorText).join(" ");
    problems.push(reason);
  };
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      problems.push(args.map(errorText).join(" "));
      return logger;
    },
    warn(...args: unknown[]) {
      if (args[0] === "Loading failed" || args[0] === "Data ingestion failed") keep(args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * The spec to draw: `usermeta.embedOptions` is dropped, because vega-embed lets a spec override the embedding's
 * options with it (actions with links out of the panel, expression evaluation, renderer, locale).
 */
function withoutEmbedOptions(spec: unknown): VisualizationSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new Error("a Vega-Lite spec must be a JSON object");
  const copy = { ...(spec as Record<string, unknown>) };
  const usermeta = copy.usermeta;
  if (typeof usermeta === "object" && usermeta !== null && "embedOptions" in usermeta) {
    const { embedOptions: _dropped, ...rest } = usermeta as Record<string, unknown>;
    copy.usermeta = rest;
  }
  return copy as VisualizationSpec;
}

/**
 * Draws one chart into `root` (a figure made by outputs_view.ts, which loads this module on the first chart):
 * `data-chart` goes from "drawing" to "drawn", or to "failed" with the reason shown in the cell.
 */
export function drawChart(root: HTMLElement, specText: string, dataFiles: readonly DataFile[], name: string, save: (figure: Figure) => void): void {
  const view = el("div", "chart-view");
  root.append(view);
  const fail = (message: string): void => {
    view.remove();
    failChart(root, message);
  };
  let spec: VisualizationSpec;
  try {
    spec = withoutEmbedOptions(JSON.parse(specText));
  } catch (error) {
    fail(errorText(error));
    return;
  }
  const problems: string[] = [];
  const theme = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast") ? "dark" : "light";
  embed(view, spec, {
    mode: "vega-lite",
    renderer: "svg",
    actions: false,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true, theme },
    ast: true,
    expr: expressionInterpreter,
    loader: offlineLoader(dataFiles),
    config: themeConfig(),
    logger: problemLogger(problems),
  }).then(
    (result) => {
      // A data error surfaces on the view's first run, after embed resolved.
      result.view
        .runAsync()
        .then(() => {
          if (problems.length > 0) {
            result.finalize();
            fail(problems[0]);
            return;
          }
          root.dataset.chart = "drawn";
          const svgName = safeFigureName(name, "image/svg+xml");
          const pngName = safeFigureName(name, "image/png");
          const saveSvg = button("Save as SVG", `Save chart ${name} as SVG`, "save-chart-svg", true, () => {
            void result.view.toSVG().then((svg) => save({ name: svgName, mime: "image/svg+xml", base64: utf8Base64(svg) }));
          });
          const savePng = button("Save as PNG", `Save chart ${name} as PNG`, "save-chart-png", true, () => {
            void result.view.toImageURL("png", 2).then((url) => save({ name: pngName, mime: "image/png", base64: url.slice(url.indexOf(",") + 1) }));
          });
          const caption = el("figcaption", "output-figure-caption");
          caption.append(el("span", "output-figure-name", name), saveSvg, savePng);
          root.append(caption);
        })
        .catch((error: unknown) => fail(errorText(error)));
    },
    (error: unknown) => fail(errorText(error)),
  );
}
