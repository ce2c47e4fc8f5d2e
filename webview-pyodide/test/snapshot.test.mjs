// The panel's Python snapshot kept between sessions, in real Chromium: a page offers the snapshot its first worker
// made before any cell ran (so it carries no cell's data) in its sparse stored form, a later page starts Python from
// it, and a saved snapshot whose size, SHA-256, page map or unpacked size is wrong is refused, reported, and replaced
// by a fresh one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
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

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
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
  // The offer is the sparse stored form, smaller than the heap it unpacks to; the canary is searched in all of it.
  assert.equal(firstSnapshot.subarray(0, 4).toString("latin1"), "AGSP");
  assert.ok(firstSnapshot.length < firstSnapshot.readUInt32LE(12), "the stored snapshot is not smaller than the heap");
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
  // Hashed as they are (the host records the hash of what was offered): only the page map check can refuse them.
  ["malformed", (bytes) => { const b = Buffer.from(bytes); b.writeUInt32LE(b.readUInt32LE(20), 24); return { bytes: b, claims: { sha256: sha256(b) } }; }, /page map is malformed/],
  ["differently sized", (bytes) => ({ bytes, claims: { unpackedBytes: bytes.readUInt32LE(12) + 65536 } }), /unpacks to/],
]) {
  test(`a ${name} saved snapshot is refused, reported to the host, and replaced by a fresh one`, async () => {
    const { bytes, claims } = damage(firstSnapshot);
    // The page is told the intact snapshot's size and hash unless the case claims otherwise.
    const intact = { bytes: firstSnapshot.length, sha256: sha256(firstSnapshot) };
    const saved = name.replaceAll(" ", "-");
    harness.putSnapshot(saved, bytes, { ...intact, ...Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) });
    const page = await openPanel(browser.context, `${harness.url}?snapshotKey=pyodide-test&saved=${saved}`);
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
