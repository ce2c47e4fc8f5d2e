// `npm run webview:run -- FILE.py [--data F]...`: runs a Python file in the real panel bundle in headless
// Chromium (the same harness the tests use) and prints the run's summary (the `cell/result` message) as JSON; how
// each chart was drawn in the panel ("drawn", or the error the cell shows) goes to stderr.
import { readFile, access } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHarness, launchBrowser, openPanel, runInPanel, chartsSettled } from "../test/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  process.stderr.write(`${message}\nUsage: npm run webview:run -- FILE.py [--data FILE]...\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file;
const data = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--data") {
    if (args[i + 1] === undefined) usage("--data needs a file name.");
    data.push(args[++i]);
  } else if (file === undefined) file = args[i];
  else usage(`Unexpected argument '${args[i]}'.`);
}
if (file === undefined) usage("No Python file given.");

try {
  await access(join(here, "..", "dist", "panel.js"));
} catch {
  usage("The panel is not built: run `npm run build -w webview-pyodide` first.");
}

let code;
const dataFiles = [];
try {
  code = await readFile(file, "utf8");
  for (const path of data) dataFiles.push({ name: basename(path), base64: (await readFile(path)).toString("base64") });
} catch (error) {
  usage(`Cannot read ${error.path ?? "input"}: ${error.code ?? error.message}`);
}

const harness = await startHarness();
const browser = await launchBrowser();
try {
  const page = await openPanel(browser.context, harness.url);
  const run = await runInPanel(page, code, { dataFiles, timeout: 10 * 60 * 1000 });
  const result = await page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === id), run.id);
  process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  const charts = await chartsSettled(page, run.id);
  const errors = await run.cell.locator("figure.output-chart").evaluateAll((figures) => figures.map((f) => f.querySelector(".chart-error")?.textContent ?? ""));
  charts.forEach((state, i) => process.stderr.write(`chart ${i + 1}: ${state === "drawn" ? "drawn" : errors[i]}\n`));
  process.exitCode = result.summary.status === "ok" ? 0 : 1;
} finally {
  await browser.close();
  await harness.close();
}
