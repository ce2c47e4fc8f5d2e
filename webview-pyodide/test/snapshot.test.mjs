// The panel's Python snapshot kept between sessions, in real Chromium: a page offers the snapshot its first worker
// made before any cell ran (so it carries no cell's data), a later page starts Python from it, and a saved snapshot
// whose size or SHA-256 is wrong is refused, reported, and replaced by a fresh one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, offeredSnapshot, openPanel, runInPanel, startHarness } from "./harness.mjs";

let harness;
let browser;
before(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const canary = ["AGENTCODE", "CANARY", "7f3a9c"].join("-");

let firstSnapshot;

test("a page offers its snapshot before any cell runs, and the snapshot holds no data of a cell", async () => {
  const page = await openPanel(browser.context, `${harness.url}?snapshotKey=pyodide-test`);
  await runInPanel(page, `secret = "${canary}" * 1000\nprint(len(secret))`);
  firstSnapshot = await offeredSnapshot(page);
  const messages = await page.evaluate(() => window.__hostMessages.map((m) => m.type));
  assert.ok(messages.indexOf("snapshot/save") < messages.indexOf("cell/result"), `snapshot offered after a cell ran: ${messages.join(", ")}`);
  assert.equal(await page.evaluate(() => window.__hostMessages.find((m) => m.type === "snapshot/save").key), "pyodide-test");
  assert.ok(firstSnapshot.length > 1024 * 1024);
  assert.equal(firstSnapshot.indexOf(Buffer.from(canary)), -1, "the cell's canary is in the snapshot");
  await page.close();
});

test("a later page starts Python from the saved snapshot and offers none of its own", async () => {
  harness.putSnapshot("good", firstSnapshot);
  const page = await openPanel(browser.context, `${harness.url}?snapshotKey=pyodide-test&saved=good`);
  assert.equal(await page.locator("#status").getAttribute("data-from-snapshot"), "true");
  const run = await runInPanel(page, `print(globals().get("secret", "no secret"))\nprint(sum(range(10)))`);
  assert.equal(await run.text("pre.stdout"), "no secret\n45\n");
  const types = await page.evaluate(() => window.__hostMessages.map((m) => m.type));
  assert.ok(!types.includes("snapshot/save"));
  assert.ok(!types.includes("snapshot/rejected"));
  await page.close();
});

for (const [name, damage, reason] of [
  ["corrupt", (bytes) => { const b = Buffer.from(bytes); b[b.length >> 1] ^= 0xff; return { bytes: b, claims: { sha256: undefined } }; }, /SHA-256 does not match/],
  ["truncated", (bytes) => ({ bytes: bytes.subarray(0, bytes.length - 4096), claims: { bytes: bytes.length } }), /size is/],
]) {
  test(`a ${name} saved snapshot is refused, reported to the host, and replaced by a fresh one`, async () => {
    const { bytes, claims } = damage(firstSnapshot);
    // The page is told the intact snapshot's hash (a corrupt file) or size (a truncated one).
    const intact = { bytes: firstSnapshot.length, sha256: (await import("node:crypto")).createHash("sha256").update(firstSnapshot).digest("hex") };
    harness.putSnapshot(name, bytes, { ...intact, ...Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) });
    const page = await openPanel(browser.context, `${harness.url}?snapshotKey=pyodide-test&saved=${name}`);
    const rejected = await page.evaluate(() => window.__hostMessages.find((m) => m.type === "snapshot/rejected"));
    assert.match(rejected.reason, reason);
    assert.equal(await page.locator("#status").getAttribute("data-from-snapshot"), "false");
    const fresh = await offeredSnapshot(page);
    assert.ok(fresh.length > 1024 * 1024);
    const run = await runInPanel(page, "print('still runs')");
    assert.equal(await run.text("pre.stdout"), "still runs\n");
    await page.close();
  });
}
