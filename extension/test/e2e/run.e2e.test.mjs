// End to end in code-server: Run File and the panel's Stop. The first scenario runs stop.py with Run File, opens the
// result in the panel while the panel is cold (its Python is not loaded yet, so the cell's run waits for it) and
// clicks Stop while the panel says "Starting Python…": the run ends as stopped, its marker never appears, and Run,
// clicked right after, prints it once. The second scenario clicks the "Run with data…" code lens of report.py, picks
// data/sales.csv in VS Code's file dialog, and the file's run in the server sandbox reads /data/sales.csv: the
// summary is shown, and the panel (Open in Panel) runs it again with the same file and shows the total. A second Run
// File from the palette mounts the remembered file without asking. Screenshots are kept in .artifacts/e2e-run/ at
// the repository root (git-ignored); on failure the logs and the workspace are copied next to them.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, stopPolling, withArtifacts } from "./code_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { answerFileDialog, failOnVisibleError, findWebviewFrame, launchBrowser, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const repo = path.resolve(extensionDir, "..");
const artifacts = path.join(repo, ".artifacts", "e2e-run");
const marker = "stop-marker-41";
const dataDialog = "data files for runs in this workspace";

/** Reads /data/sales.csv (region, month, amount) and prints the total and the number of rows. */
const report = `import csv

with open("/data/sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))
print(f"total {sum(float(r['amount']) for r in rows):.2f} over {len(rows)} rows")
`;

/** The line report.py prints for the example data, computed here from the same file. */
function expectedReport() {
  const [, ...rows] = fs.readFileSync(path.join(repo, "examples", "sales.csv"), "utf8").trim().split("\n");
  const total = rows.reduce((sum, row) => sum + Number(row.split(",")[2]), 0);
  return `total ${total.toFixed(2)} over ${rows.length} rows`;
}

let codeServer;
let browser;
let workspace;

before(async () => {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-run-"));
  fs.mkdirSync(path.join(workspace, "data"));
  fs.copyFileSync(path.join(repo, "examples", "sales.csv"), path.join(workspace, "data", "sales.csv"));
  fs.writeFileSync(path.join(workspace, "report.py"), report);
  fs.writeFileSync(path.join(workspace, "stop.py"), `print("${marker}")\n`);
  codeServer = await startCodeServer({
    vsix: process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir),
    settings: {
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
      ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
    },
  });
  browser = await launchBrowser();
  await openWorkbench(browser.page, codeServer.url, workspace);
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, workspace, dir: artifacts });

async function screenshot(name) {
  const file = path.join(artifacts, `${name}.png`);
  await browser.page.screenshot({ path: file });
  return file;
}

/** The toast of a finished Run File of `file` ("FILE ran in N s: ..."), once it is on screen. */
async function runToast(page, file, { failIf } = {}) {
  const toast = page.locator(".notification-toast", { hasText: `${file} ran in` }).first();
  await pollUntil(
    `the notification that ${file} ran`,
    async () => {
      await failOnVisibleError(page);
      await failIf?.();
      return toast.isVisible();
    },
    // The first run starts the language server, which compiles python.wasm on a cold cache: 2 busy cores.
    { timeoutMs: 300_000, intervalMs: 500 },
  );
  return toast;
}

/** The panel's cells for a Run File of `file`, in the panel's content frame, once `count` of them finished with `state`. */
async function panelCells(page, file, state, count) {
  const cells = `section.cell:has(.prompt:text-is("Run ${file}"))`;
  const frame = await pollUntil(
    `the panel to show ${count} run(s) of ${file} that ended ${state}`,
    async () => {
      await failOnVisibleError(page);
      const found = await findWebviewFrame(page, `${cells}[data-run="${state}"]`);
      return found !== null && (await found.locator(`${cells}[data-run="${state}"]`).count()) >= count ? found : null;
    },
    { timeoutMs: 240_000, intervalMs: 500 },
  );
  return frame.locator(cells);
}

/** The code lens titled `title` of the editor in the active group (stop.py stays open in the other group). */
function activeEditorLens(page, title) {
  return page.locator(".editor-group-container.active .monaco-editor .codelens-decoration a", { hasText: title }).first();
}

/** The run record's lines (.agentcode/runs.jsonl) for `prompt`, once there are `count` of them. */
async function runRecords(prompt, count) {
  return pollUntil(
    `the run record to hold ${count} run(s) for "${prompt}"`,
    () => {
      const log = path.join(workspace, ".agentcode", "runs.jsonl");
      const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      const runs = lines.map((l) => JSON.parse(l)).filter((r) => r.event === "run" && r.prompt === prompt);
      return runs.length >= count ? runs : null;
    },
    { timeoutMs: 60_000 },
  );
}

test("Stop clicked while Python loads prevents the run, and Run works again right after", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    await openFile(page, "stop.py");
    await runCommand(page, "AgentCode: Run File in Sandbox");
    const toast = await runToast(page, "stop.py");
    // The panel has not been opened in this window: its page loads Python from scratch, and the cell's run waits.
    assert.equal(await findWebviewFrame(page, "#status"), null, "the panel is not open before Open in Panel");
    await toast.locator(".monaco-button", { hasText: "Open in Panel" }).click();

    const waiting = 'section.cell:has(.prompt:text-is("Run stop.py"))[data-run="running"]';
    const frame = await pollUntil(
      "the panel to show the cell waiting for Python",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, waiting);
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const status = frame.locator("#status");
    // The page says "Starting Python…" from its first paint; `data-state` is set at the first change of state.
    assert.equal((await status.getAttribute("data-state")) ?? "loading", "loading", `Python is still starting: ${await status.innerText()}`);
    assert.equal(await status.innerText(), "Starting Python…");
    const cell = frame.locator('section.cell:has(.prompt:text-is("Run stop.py"))').first();
    assert.equal(await cell.locator(".run-status").innerText(), "Waiting for Python to start…");
    await screenshot("stop-while-python-starts");
    await cell.locator('button[data-action="stop"]').click();

    await pollUntil("the cell to end as stopped", async () => (await cell.getAttribute("data-run")) === "stopped", { timeoutMs: 30_000 });
    const stdout = async () => (await cell.locator("pre.stdout").allInnerTexts()).join("\n");
    assert.doesNotMatch(await stdout(), new RegExp(marker), "the stopped run printed nothing");
    await screenshot("stopped-before-python-started");

    // Run at once, without waiting for Python: the new run waits for it and prints the marker exactly once.
    await cell.locator('button[data-action="run"]').click();
    await pollUntil(
      "the second run to finish",
      async () => {
        const state = await cell.getAttribute("data-run");
        if (state === "error" || state === "failed") throw stopPolling(`the second run ended ${state}: ${(await cell.innerText()).slice(0, 600)}`);
        return state === "ok";
      },
      { timeoutMs: 240_000, intervalMs: 250 },
    );
    assert.equal(await status.getAttribute("data-state"), "ready");
    assert.equal((await stdout()).match(new RegExp(marker, "g"))?.length, 1, `the marker once: ${await stdout()}`);
    await screenshot("run-after-stop");

    // The server's run, then the panel's stopped run and its next run: the stopped code never ran in the panel.
    const records = await runRecords("Run stop.py", 3);
    assert.deepEqual(
      records.map((r) => r.outputs?.status),
      ["ok", "stopped", "ok"],
      JSON.stringify(records.map((r) => r.outputs)),
    );
    assert.doesNotMatch(records[1].outputs.stdout ?? "", new RegExp(marker));
  });
});

test("Run File with a remembered data file succeeds, and the next Run File uses it without asking", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    const expected = expectedReport();
    await runCommand(page, "Notifications: Clear All Notifications");
    await openFile(page, "report.py");

    // A user clicks the code lens above the file's first line and picks the data file once.
    const lens = activeEditorLens(page, "Run with data…");
    await lens.waitFor({ timeout: 60_000 });
    await screenshot("run-with-data-lens");
    await lens.click();
    const picked = await answerFileDialog(page, dataDialog, { file: path.join(workspace, "data", "sales.csv"), opensOn: workspace });
    assert.equal(picked, path.join(workspace, "data", "sales.csv"));

    const first = await runToast(page, "report.py");
    assert.match(await first.locator(".notification-list-item-message").innerText(), /report\.py ran in [\d.]+ s: 1 line of output/);
    const [server] = await runRecords("Run report.py", 1);
    assert.equal(server.outputs?.status, "ok", JSON.stringify(server.outputs));
    assert.equal(server.outputs.stdout.trim(), expected, "the server's sandbox read /data/sales.csv");

    // Open in Panel runs the file again in Pyodide, with the same data file mounted at /data.
    await first.locator(".monaco-button", { hasText: "Open in Panel" }).click();
    const cells = await panelCells(page, "report.py", "ok", 1);
    assert.equal((await cells.first().locator("pre.stdout").innerText()).trim(), expected);
    assert.match(await cells.first().innerText(), /Data: \/data\/sales\.csv/);
    // The server checked the file beside the run: the cell says what it touches before anyone reads the code.
    assert.equal((await cells.first().locator(".capabilities").innerText()).trim(), "Reads /data/sales.csv · writes nothing to /output · imports csv · no findings");
    await cells.first().scrollIntoViewIfNeeded();
    await screenshot("run-with-data-in-panel");

    // The lens now names the remembered file; Run File from the palette mounts it and asks nothing.
    await runCommand(page, "Notifications: Clear All Notifications");
    await openFile(page, "report.py");
    await activeEditorLens(page, "Run File with sales.csv").waitFor({ timeout: 30_000 });
    await runCommand(page, "AgentCode: Run File in Sandbox");
    const dialog = page.locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: dataDialog }) });
    const second = await runToast(page, "report.py", {
      failIf: async () => {
        if (await dialog.isVisible()) throw stopPolling("Run File asked for data files again");
      },
    });
    assert.match(await second.locator(".notification-list-item-message").innerText(), /1 line of output/);
    const runs = await runRecords("Run report.py", 3);
    const serverRuns = runs.filter((r) => r.outputs?.stdout?.trim() === expected);
    assert.equal(serverRuns.length, 3, `the server's two runs and the panel's read the file: ${JSON.stringify(runs.map((r) => r.outputs))}`);
    await screenshot("second-run-file-with-remembered-data");
  });
});
