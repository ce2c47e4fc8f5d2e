// Drives the VS Code workbench served by code-server from Debian Chromium through playwright-core: launches
// the browser with a fresh profile, opens a folder, opens a file with Quick Open, runs a command from the
// palette, answers an input box or VS Code's file dialog, reads notifications, fails a wait at once on an error
// VS Code shows, and finds a webview's content frame. VS Code webviews are
// nested iframes (outer `iframe.webview` with pre/index.html -> inner `#active-frame` with the extension's
// HTML), so the content frame is found by polling page.frames() for one that holds a given selector. Every
// wait has a deadline; nothing sleeps a fixed time.
import path from "node:path";
import { launchBrowser as launchChromium } from "../../../webview-pyodide/test/harness.mjs";
import { pollUntil, stopPolling } from "./code_server.mjs";

/** Headless Chromium with a fresh profile (the panel tests' launcher) and the workbench's page; `close()` also removes the profile. */
export async function launchBrowser() {
  const browser = await launchChromium({ viewport: { width: 1400, height: 900 } });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  return { page, close: () => browser.close().catch(() => {}) };
}

/** Opens `folder` in the workbench at `url` and waits until the explorer lists its files. */
export async function openWorkbench(page, url, folder) {
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 120_000 });
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 120_000 });
}

/** Opens a workspace file by name with Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function openFile(page, name) {
  await pollUntil(
    `Quick Open to list ${name}`,
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press("Control+P");
      await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
      await page.keyboard.type(name);
      await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 10_000 });
      return true;
    },
    { timeoutMs: 60_000 },
  );
  // A click on the row that names the file, not Enter: after an Accept preview the list's first row can be
  // another recently opened editor.
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().click();
  // The file may already be open in another editor group (next to the panel), where its tab is active too.
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).first().waitFor({ timeout: 30_000 });
  await page.locator(".editor-instance .monaco-editor.focused").waitFor({ timeout: 30_000 });
}

/**
 * Runs a command from the palette (F1) by its full title ("Category: Title"). Contributed commands show up
 * once the extension's contributions are registered, so the palette is reopened until the entry appears.
 */
export async function runCommand(page, title) {
  const entry = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await pollUntil(
    `the palette to offer "${title}"`,
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press("F1");
      await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
      await page.keyboard.type(title);
      await entry.waitFor({ timeout: 5_000 });
      return true;
    },
    { timeoutMs: 90_000 },
  );
  await entry.click();
}

/**
 * The input box (showInputBox) titled `title`. Matched by its title element, not by any text in the widget: the
 * command palette that opened it lists an entry with the same words while it closes.
 */
export function inputBox(page, title) {
  return page
    .locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: title }) })
    .locator(".quick-input-box input");
}

/** Waits for the input box titled `title`, types `text`, checks it arrived, and presses Enter. */
export async function answerInputBox(page, title, text, { beforeEnter } = {}) {
  const input = inputBox(page, title);
  await input.waitFor({ timeout: 30_000 });
  await input.fill(text);
  await pollUntil("the input box to hold the text", async () => (await input.inputValue()) === text, { timeoutMs: 10_000 });
  await beforeEnter?.();
  await input.press("Enter");
}

async function closeQuickInput(page) {
  if (await page.locator(".quick-input-widget").isVisible()) {
    await page.keyboard.press("Escape");
    await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 5_000 });
  }
}

/** The messages of the notification toasts now on screen. */
export async function notificationMessages(page) {
  return page.locator(".notification-toast .notification-list-item-message").allInnerTexts();
}

/**
 * The webview content frame that holds `selector`, or null. The content frame is the inner iframe (`fake.html`,
 * named active-frame or pending-frame) whose parent is `webview/browser/pre/index.html`.
 */
export async function findWebviewFrame(page, selector) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || !frame.url().includes("/webview/browser/pre/")) {
      continue;
    }
    if ((await frame.locator(selector).count().catch(() => 0)) > 0) {
      return frame;
    }
  }
  return null;
}

/** Polls until a webview content frame holds `selector` and returns that frame. */
export async function webviewFrame(page, selector, { timeoutMs }) {
  return pollUntil(`a webview showing ${selector}`, () => findWebviewFrame(page, selector), { timeoutMs, intervalMs: 500 });
}

/**
 * Goes through Accept's preview after a click on Accept in the panel: picks the quick pick entry containing
 * `placement` ("Insert at the cursor", "Replace the selection", "New file"), waits for the diff editor titled like
 * `diffTitle`, calls `onDiff` (e.g. for a screenshot), then clicks Apply in the modal question.
 */
export async function acceptThroughPreview(page, { placement, diffTitle, onDiff = async () => {} }) {
  const pick = page.locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: "where should the accepted code go" }) });
  await pick.waitFor({ timeout: 60_000 });
  await pick.locator(".quick-input-list .monaco-list-row", { hasText: placement }).first().click();
  await page.locator(".tabs-container .tab", { hasText: diffTitle }).first().waitFor({ timeout: 60_000 });
  await page.locator(".monaco-diff-editor").first().waitFor({ timeout: 60_000 });
  await onDiff();
  const dialog = page.locator(".monaco-dialog-box", { hasText: "Apply this change?" });
  await dialog.waitFor({ timeout: 60_000 });
  await dialog.locator(".dialog-buttons a.monaco-button, .dialog-buttons button", { hasText: "Apply" }).first().click();
  await dialog.waitFor({ state: "hidden", timeout: 30_000 });
}

/**
 * Fails a wait at once when VS Code shows an error (a notification toast or a modal dialog, e.g. "Command ...
 * resulted in an error"), instead of waiting out the deadline.
 */
export async function failOnVisibleError(page) {
  const toasts = page.locator(".notification-toast:has(.codicon-error) .notification-list-item-message");
  const dialogs = page.locator(".monaco-dialog-box:has(.codicon-error)");
  const texts = [...(await toasts.allInnerTexts()), ...(await dialogs.allInnerTexts())];
  if (texts.length > 0) throw stopPolling(`VS Code shows an error: ${texts.join(" | ").replace(/\s+/g, " ")}`);
}

/**
 * VS Code's file dialog in code-server (the "simple" dialog: a quick input holding a path) titled `title`: waits for
 * it, checks the path it proposes with `proposed` when given, types `file` when given, and accepts. The dialog is
 * expected to open on `opensOn` (by default the file's folder), and the rest of the path is typed. When the folder
 * does not exist yet the dialog asks whether to create it; that question is accepted too.
 */
export async function answerFileDialog(page, title, { file, proposed, opensOn } = {}) {
  const widget = page.locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: title }) });
  const input = widget.locator(".quick-input-box input");
  await input.waitFor({ timeout: 30_000 });
  if (proposed !== undefined) {
    await pollUntil(`the dialog to propose ${proposed}`, async () => proposed.test(await input.inputValue()), { timeoutMs: 10_000 });
  }
  if (file !== undefined) {
    // The rest of the path is typed as a person would, since the dialog completes names while they are typed and
    // reverts a whole path set in one go.
    const folder = `${opensOn ?? path.dirname(file)}/`;
    await pollUntil(`the dialog to open on ${folder}`, async () => (await input.inputValue()) === folder, { timeoutMs: 10_000 });
    await input.press("End");
    const parts = file.slice(folder.length).split("/");
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1) {
        await page.keyboard.type(part, { delay: 30 });
        break;
      }
      // The dialog moves into a folder asynchronously: the next name is typed once its list shows it, else the dialog
      // answers Enter with "Please select a file." for the folder it still stands in.
      await page.keyboard.type(`${part}/`, { delay: 30 });
      await widget.locator(".quick-input-list .monaco-list-row", { hasText: parts[i + 1] }).first().waitFor({ timeout: 10_000 });
    }
    await pollUntil("the dialog to hold the path", async () => (await input.inputValue()) === file, { timeoutMs: 10_000 });
  }
  const chosen = await input.inputValue();
  await input.press("Enter");
  const createFolder = page.locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: "does not exist" }) });
  await pollUntil(
    `the file dialog "${title}" to close`,
    async () => {
      await failOnVisibleError(page);
      if (await createFolder.isVisible()) {
        await createFolder.locator(".quick-input-box input").press("Enter");
        return false;
      }
      // VS Code reuses one quick-input widget: the dialog's title gives way to the "does not exist" question in one
      // step, so the dialog is closed only when neither shows (else the question could be left unanswered).
      return !(await widget.isVisible()) && !(await createFolder.isVisible());
    },
    { timeoutMs: 30_000 },
  );
  return chosen;
}
