// Test harness that plays the VS Code webview host: an HTTP server on 127.0.0.1 (random port) serving
// dist/ and a page rendered by renderPanelHtml (cspSource = the harness origin), with an acquireVsCodeApi
// shim that records posted messages in window.__hostMessages, keeps setState in sessionStorage (so it
// survives reload) and exposes window.__sendToPanel(msg). `usePanelSuite()` registers the before/after hooks
// that start the harness, launch the one Chromium of a test file and open a ready panel.
import { before, after } from "node:test";
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash, randomBytes } from "node:crypto";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * How long booting Python may take in tests (page load timeout and every wait for a worker to be ready).
 * A cold boot takes 10-20 s on a quiet 2-core machine but minutes when other builds and browsers share it.
 */
export const bootDeadlineMs = 360_000;
const dist = join(here, "..", "dist");
const types = {
  ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
  ".zip": "application/zip", ".json": "application/json", ".html": "text/html; charset=utf-8",
};

async function loadRenderer() {
  const out = await build({ entryPoints: [join(here, "..", "src/html.ts")], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`;
  return (await import(url)).renderPanelHtml;
}

const shim = `
window.__hostMessages = [];
const KEY = "__vscodeState";
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error("acquireVsCodeApi called twice");
  acquired = true;
  return {
    postMessage: (m) => {
      // A snapshot's bytes do not survive JSON: kept aside, and the message recorded with their length.
      if (m && m.type === "snapshot/save") {
        (window.__snapshots ??= []).push(m.bytes);
        window.__hostMessages.push({ type: m.type, key: m.key, byteLength: m.bytes.byteLength });
        return;
      }
      window.__hostMessages.push(JSON.parse(JSON.stringify(m)));
    },
    getState: () => { const s = sessionStorage.getItem(KEY); return s === null ? undefined : JSON.parse(s); },
    setState: (s) => { sessionStorage.setItem(KEY, JSON.stringify(s)); return s; },
  };
};
window.__sendToPanel = (m) => window.postMessage(m, "*");
`;

/**
 * Starts the harness server. Options: loadTimeoutMs, files (a Map of path to bytes served first). Query parameters
 * of the page: `timeout` (load timeout, ms), `assets` (another assets base, e.g. the never-answering `/stall`),
 * `snapshot=off` (no memory snapshot), `snapshotKey` (the page offers its snapshot under this key), `saved` (a
 * snapshot put with putSnapshot), `hiddenMemory` (the hidden-panel memory budget, MiB).
 */
export async function startHarness(options = {}) {
  const renderPanelHtml = await loadRenderer();
  let origin = "";
  const requests = [];
  // Snapshots "saved by an earlier page", as the host would keep them: served under /saved/NAME.
  const saved = new Map();
  const savedBytes = new Map();
  const requesters = [];
  // A fetch by the page document carries the page's URL as its Referer. A fetch by a worker started from a Blob
  // URL carries none (a blob: referrer is stripped), and one by a worker loaded from a URL carries that URL. The
  // page's own modules import its chunks (dist/chunks/) with the importing module's URL as the Referer: the page too.
  const pageModule = (path) => path === "/dist/panel.js" || /^\/dist\/chunks\/[\w-]+\.js$/.test(path);
  const requester = (referer) => {
    if (referer === undefined) return "no referrer (a blob worker or a navigation)";
    const from = new URL(referer);
    return from.origin === origin && (from.pathname === "/" || pageModule(from.pathname)) ? "page" : `not the page (${from.pathname})`;
  };
  const closedGate = () => { let resolve; const promise = new Promise((r) => { resolve = r; }); return { promise, resolve }; };
  let gate = closedGate();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", origin);
      requests.push(url.pathname);
      requesters.push({ path: url.pathname, by: requester(req.headers.referer) });
      // options.files: path -> bytes served instead of (or besides) dist/, e.g. a lock with test packages.
      const extra = options.files?.get(url.pathname);
      if (extra !== undefined) {
        res.writeHead(200, { "content-type": types[extname(url.pathname)] ?? "application/octet-stream" });
        res.end(extra);
        return;
      }
      if (url.pathname === "/" || url.pathname === "/index.html") {
        const nonce = randomBytes(16).toString("base64");
        const timeout = Number(url.searchParams.get("timeout") ?? options.loadTimeoutMs ?? bootDeadlineMs);
        let html = renderPanelHtml({
          cspSource: origin, nonce, scriptUri: `${origin}/dist/panel.js`, styleUri: `${origin}/dist/panel.css`,
          assetsBaseUri: url.searchParams.get("assets") ?? `${origin}/dist`, loadTimeoutMs: timeout,
          memorySnapshot: url.searchParams.get("snapshot") !== "off",
          snapshotKey: url.searchParams.get("snapshotKey") ?? undefined,
          persistedSnapshot: url.searchParams.has("saved") ? saved.get(url.searchParams.get("saved")) : undefined,
          hiddenMemoryMiB: url.searchParams.has("hiddenMemory") ? Number(url.searchParams.get("hiddenMemory")) : undefined,
        });
        html = html.replace("<script ", `<script nonce="${nonce}">${shim}</script>\n<script `);
        res.writeHead(200, { "content-type": types[".html"], "cache-control": "no-store" });
        res.end(html);
        return;
      }
      if (url.pathname.startsWith("/saved/")) {
        const body = savedBytes.get(url.pathname.slice("/saved/".length));
        if (body === undefined) { res.writeHead(404).end(); return; }
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(body);
        return;
      }
      // /gated/ serves like /dist/, but holds Pyodide's files until `openGate()`: Python is surely still loading.
      if (url.pathname.startsWith("/gated/")) {
        if (url.pathname.startsWith("/gated/pyodide/")) await gate.promise;
        url.pathname = `/dist/${url.pathname.slice("/gated/".length)}`;
      }
      // /noboot/ serves like /dist/ but has no start-up script (boot.js): the page's own script starts Python.
      if (url.pathname.startsWith("/noboot/")) {
        if (url.pathname === "/noboot/boot.js") { res.writeHead(404).end(); return; }
        url.pathname = `/dist/${url.pathname.slice("/noboot/".length)}`;
      }
      // /stall/ serves worker.js and boot.js but never answers for Pyodide's files: load-timeout tests.
      if (url.pathname.startsWith("/stall/") && url.pathname !== "/stall/worker.js" && url.pathname !== "/stall/boot.js") return;
      if (url.pathname === "/stall/worker.js" || url.pathname === "/stall/boot.js") url.pathname = `/dist/${url.pathname.slice("/stall/".length)}`;
      if (!url.pathname.startsWith("/dist/")) { res.writeHead(404).end(); return; }
      const file = normalize(join(dist, decodeURIComponent(url.pathname.slice("/dist/".length))));
      if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      if (!res.headersSent) res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: `${origin}/`,
    /** Paths of every request the server received, in order. */
    requests,
    /**
     * Serves `bytes` (a snapshot's stored form, as the page offers it) as a saved snapshot under `name`; `claims`
     * overrides the size, SHA-256 or unpacked size the page is told (by default as the host records them: the
     * unpacked size is the header's fourth word). Open the page with `?saved=NAME` to offer it.
     */
    putSnapshot(name, bytes, claims = {}) {
      savedBytes.set(name, Buffer.from(bytes));
      saved.set(name, {
        url: `${origin}/saved/${name}`,
        bytes: claims.bytes ?? bytes.length,
        sha256: claims.sha256 ?? createHash("sha256").update(bytes).digest("hex"),
        unpackedBytes: claims.unpackedBytes ?? Buffer.from(bytes).readUInt32LE(12),
      });
    },
    /** Every request in order as {path, by}: by is "page" when the page document made it, else who did. */
    requesters,
    /** Lets the held requests for Pyodide's files under /gated/ through, and closes the gate again for later ones. */
    openGate: () => { gate.resolve(); gate = closedGate(); },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Launches Debian's Chromium (or CHROMIUM_PATH / AGENTCODE_CHROMIUM) with a fresh profile; `options` go to
 * launchPersistentContext (e.g. a viewport). Returns {context, close}; close also removes the profile.
 */
export async function launchBrowser(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), "agentcode-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? process.env.AGENTCODE_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
    ...options,
  });
  // Two busy cores can make a click or a selector slow; a generous default keeps the tests about behaviour.
  context.setDefaultTimeout(60000);
  return {
    context,
    close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); },
  };
}

/**
 * Registers hooks that start the harness and Chromium and open a panel with Python ready; returns an object
 * whose `harness`, `browser` and `page` are set once the hooks have run. Everything is closed after the file.
 */
export function usePanelSuite(options = {}) {
  const suite = { harness: undefined, browser: undefined, page: undefined };
  before(async () => {
    suite.harness = await startHarness(options);
    suite.browser = await launchBrowser();
    suite.page = await openPanel(suite.browser.context, suite.harness.url);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.harness?.close();
  });
  return suite;
}

/**
 * Waits until `fn(arg)`, evaluated in the page, is truthy, polling every 50 ms up to `timeout` ms. Playwright's own
 * waitForFunction evaluates its polled predicate as a string, which the panel's CSP refuses (no 'unsafe-eval'),
 * so it fails whenever the condition is not already true on the first look.
 */
export async function waitInPage(page, fn, arg = null, { timeout = 60000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let last;
    try {
      if (await page.evaluate(fn, arg)) return;
    } catch (error) {
      last = error; // a page still navigating has no context to evaluate in yet
    }
    if (Date.now() > deadline) throw new Error(`waitInPage: not true within ${timeout} ms: ${String(fn).slice(0, 200)}${last ? ` (${last.message})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens the harness page and waits until Python is ready. */
export async function openPanel(context, url, { waitReady = true } = {}) {
  const page = await context.newPage();
  await page.goto(url);
  if (waitReady) await page.waitForSelector('#status[data-state="ready"]', { timeout: bootDeadlineMs });
  return page;
}

/** Starts `while True: pass` in a new cell and waits until it runs; returns the cell and a `stop()` that clicks Stop. */
export async function startSpin(page, id) {
  await page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id, prompt: "", code: "while True: pass", findings: [], dataFiles: [] });
  const cell = page.locator(`section.cell[data-cell-id="${id}"]`);
  await cell.locator('button[data-action="run"]:not([disabled])').click({ timeout: bootDeadlineMs });
  await page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="running"]`);
  return {
    cell,
    stop: async () => {
      await cell.locator('button[data-action="stop"]').click();
      await page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="stopped"]`);
    },
  };
}

let counter = 0;
/** Adds a cell through the host channel, clicks Run, waits for the finished state, returns the cell view. */
export async function runInPanel(page, code, { dataFiles = [], timeout = 120000 } = {}) {
  const id = `c${++counter}-${Date.now()}`;
  await page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id, prompt: "", code, findings: [], dataFiles });
  const cell = page.locator(`section.cell[data-cell-id="${id}"]`);
  // Run is enabled once Python is ready, which after a Stop may be a worker still booting: wait generously.
  await cell.locator('button[data-action="run"]:not([disabled])').click({ timeout: bootDeadlineMs });
  await page.waitForSelector(`section.cell[data-cell-id="${id}"]:is([data-run="ok"],[data-run="error"],[data-run="output-limit"],[data-run="stopped"],[data-run="failed"])`, { timeout });
  return {
    id,
    cell,
    text: (sel) => cell.locator(sel).textContent(),
    /** The summary of the run's `cell/result` message (status, streams, error, outputs, outputLimit). */
    summary: () => page.evaluate((cellId) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === cellId).summary, id),
  };
}

/** Waits until every chart in the cell has finished drawing (drawn or failed); returns their `data-chart` states. */
export async function chartsSettled(page, cellId, { timeout = 60000 } = {}) {
  const cell = `section.cell[data-cell-id="${cellId}"]`;
  // A selector, not waitForFunction: Playwright's polling of a function needs eval, which the panel's CSP refuses.
  await page.waitForSelector(`${cell}:not(:has(figure.output-chart[data-chart="drawing"]))`, { state: "attached", timeout });
  return page.locator(`${cell} figure.output-chart`).evaluateAll((figures) => figures.map((f) => f.dataset.chart));
}

/** The bytes of the first snapshot the page offered its host (`snapshot/save`), once it has offered one. */
export async function offeredSnapshot(page) {
  await waitInPage(page, () => window.__hostMessages.some((m) => m.type === "snapshot/save"), null, { timeout: bootDeadlineMs });
  const base64 = await page.evaluate(() => {
    const bytes = new Uint8Array(window.__snapshots[0]);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return Buffer.from(base64, "base64");
}
