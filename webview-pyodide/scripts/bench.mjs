// Benchmark of the panel runtime in real headless Chromium: cold ready (page load to Python ready), warm
// run (click Run to result, median), restart (Stop on a busy loop, then the next run's result), each against
// native python3 running the same snippet in the same run.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { startHarness, launchBrowser, openPanel, runInPanel } from "../test/harness.mjs";

const snippet = "total = sum(i * i for i in range(200_000))\nprint(total)";
const warmRuns = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function nativeMs() {
  const times = [];
  for (let i = 0; i < warmRuns; i++) {
    const started = performance.now();
    const result = spawnSync("python3", ["-c", snippet], { encoding: "utf8" });
    if (result.status !== 0) return undefined;
    times.push(performance.now() - started);
  }
  return median(times);
}

const harness = await startHarness();
const browser = await launchBrowser();
try {
  let started = performance.now();
  const page = await openPanel(browser.context, harness.url);
  const coldMs = performance.now() - started;

  const runTimes = [];
  for (let i = 0; i < warmRuns; i++) {
    started = performance.now();
    await runInPanel(page, snippet);
    runTimes.push(performance.now() - started);
  }
  const warmMs = median(runTimes);

  await page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id: "spin", prompt: "", code: "while True: pass", findings: [], dataFiles: [] });
  const spin = page.locator('section.cell[data-cell-id="spin"]');
  await spin.locator('button[data-action="run"]:not([disabled])').click();
  await page.waitForSelector('section.cell[data-cell-id="spin"][data-run="running"]');
  started = performance.now();
  await spin.locator('button[data-action="stop"]').click();
  await runInPanel(page, snippet);
  const restartMs = performance.now() - started;

  const native = nativeMs();
  const fmt = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`snippet: ${JSON.stringify(snippet)}`);
  console.log(`cold ready (page load -> Python ready): ${fmt(coldMs)}`);
  console.log(`warm run (median of ${warmRuns}, click -> result): ${fmt(warmMs)}`);
  console.log(`restart (Stop on busy loop -> next result): ${fmt(restartMs)}`);
  if (native === undefined) console.log("native python3 baseline: python3 not available");
  else {
    console.log(`native python3 (process start + run, median of ${warmRuns}): ${fmt(native)}`);
    console.log(`ratio warm run / native: ${(warmMs / native).toFixed(2)}`);
    console.log(`ratio cold ready / native: ${(coldMs / native).toFixed(2)}`);
    console.log(`ratio restart / native: ${(restartMs / native).toFixed(2)}`);
  }
} finally {
  await browser.close();
  await harness.close();
}
