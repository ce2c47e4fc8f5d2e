/**
 * The commands for the panel's Python packages: install (pick from Pyodide's lock, download from
 * `agentcode.pyodide.packageSource` with cancellable progress that shows sizes), list and remove. The lock is the
 * one the panel ships (`media/webview/pyodide/pyodide-lock.json`); the files live in the extension's global storage
 * (package_store.ts), the one folder besides the panel's bundle that the webview may read. Keeps the installed list
 * in memory so the panel and Generate get it without waiting, and says when it changes.
 */
import * as path from "node:path";
import * as fs from "node:fs/promises";
import * as vscode from "vscode";
import type { InstalledPackage as PanelPackage } from "../../../webview-pyodide/src/protocol";
import { errorMessage } from "../errors";
import type { PanelPackageInfo } from "../lsp_ext";
import {
  formatBytes,
  type InstalledPackage,
  PackageInstallCancelled,
  PackageInstallError,
  PackageStore,
  parsePackageSource,
  pyodideVersion,
} from "./package_store";
import { canonicalName, dependents, parseLock, type PyodideLock } from "./pyodide_lock";

/** Shown first in the install picker: what data work needs most. */
const favourites = ["numpy", "pandas", "matplotlib", "scipy", "scikit-learn"];

export class PanelPackages implements vscode.Disposable {
  readonly store: PackageStore;
  readonly folder: vscode.Uri;
  private installed: readonly InstalledPackage[] = [];
  private readonly changed = new vscode.EventEmitter<readonly InstalledPackage[]>();
  /** Fires with the installed list after an install or a removal. */
  readonly onDidChange = this.changed.event;
  private lockText: Promise<string> | undefined;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.folder = vscode.Uri.joinPath(extension.globalStorageUri, "pyodide-packages", pyodideVersion);
    this.store = new PackageStore(this.folder.fsPath);
    void this.refresh();
  }

  /** The installed packages as last read. */
  get current(): readonly InstalledPackage[] {
    return this.installed;
  }

  /** What the panel is told: each package's lock name, file and SHA-256. */
  forPanel(): PanelPackage[] {
    return this.installed.map((p) => ({ name: p.name, fileName: p.fileName, sha256: p.sha256 }));
  }

  /** What the server is told for the capability card and the trial run. */
  forServer(): PanelPackageInfo[] {
    return this.installed.map((p) => ({ name: p.name, version: p.version, imports: [...p.imports] }));
  }

  private async refresh(): Promise<void> {
    this.installed = await this.store.list();
    this.changed.fire(this.installed);
  }

  private async lock(): Promise<PyodideLock> {
    this.lockText ??= fs.readFile(path.join(this.extension.extensionUri.fsPath, "media", "webview", "pyodide", "pyodide-lock.json"), "utf8");
    try {
      return parseLock(await this.lockText);
    } catch (e) {
      this.lockText = undefined;
      throw new Error(`The panel's package list (pyodide-lock.json) could not be read: ${errorMessage(e)} Reinstall the extension.`);
    }
  }

  /** `agentcode.installPackages`; optional args `{packages: string[]}` skip the picker. */
  async installCommand(args?: unknown): Promise<void> {
    const setting = vscode.workspace.getConfiguration("agentcode").get<string>("pyodide.packageSource");
    const source = parsePackageSource(setting);
    if (!source.ok) {
      const choice = await vscode.window.showErrorMessage(`AgentCode: ${source.message}`, "Open Settings");
      if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "agentcode.pyodide.packageSource");
      return;
    }
    const lock = await this.lock();
    const names = requestedNames(args) ?? (await this.pickToInstall(lock));
    if (names === undefined || names.length === 0) return;
    const controller = new AbortController();
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: "AgentCode: installing Python packages for the panel", cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let lastFile = 0;
          return this.store.install(lock, names, source.source, {
            signal: controller.signal,
            onProgress: (p) => {
              const size = p.total === undefined ? formatBytes(p.received) : `${formatBytes(p.received)} of ${formatBytes(p.total)}`;
              // The bar advances by one share per file, so it moves steadily across several downloads.
              const increment = p.file !== lastFile ? 100 / p.files : undefined;
              lastFile = p.file;
              progress.report({ message: `${p.fileName}: ${size} (file ${p.file} of ${p.files})`, increment });
            },
          });
        },
      );
      await this.refresh();
      const all = [...report.present, ...report.downloaded];
      const picked = all.filter((p) => names.some((n) => canonicalName(n) === canonicalName(p.name)));
      const others = all.length - picked.length;
      const what = `${picked.map((p) => `${p.name} ${p.version}`).join(", ")}${others > 0 ? ` and ${others} dependenc${others === 1 ? "y" : "ies"}` : ""}`;
      const message =
        report.downloaded.length === 0
          ? `AgentCode: ${what} ${all.length === 1 ? "was" : "were"} already installed; nothing was downloaded.`
          : `AgentCode: installed ${what} for the panel (${formatBytes(report.downloadedBytes)} downloaded and verified).`;
      this.output.info(message);
      void vscode.window.showInformationMessage(message);
    } catch (e) {
      if (e instanceof PackageInstallCancelled) {
        this.output.info(e.message);
        void vscode.window.showInformationMessage(`AgentCode: ${e.message}`);
        return;
      }
      const message = errorMessage(e);
      this.output.error(`Package install failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(`AgentCode: ${message}`, ...(e instanceof PackageInstallError ? ["Open Settings"] : ["Show Log"]));
      if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "agentcode.pyodide.packageSource");
      if (choice === "Show Log") this.output.show(true);
    }
  }

  private async pickToInstall(lock: PyodideLock): Promise<string[] | undefined> {
    const installed = new Set(this.installed.map((p) => canonicalName(p.name)));
    const rank = (name: string): number => {
      const i = favourites.indexOf(name);
      return i < 0 ? favourites.length : i;
    };
    const items = [...lock.packages.values()]
      .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
      .map((p) => ({
        label: p.name,
        description: `${p.version}${installed.has(canonicalName(p.name)) ? " · installed" : ""}`,
        detail: p.depends.length > 0 ? `needs ${p.depends.join(", ")}` : undefined,
      }));
    const picked = await vscode.window.showQuickPick(items, {
      title: "AgentCode: Install Python Packages for the Panel",
      placeHolder: `Pyodide ${pyodideVersion} packages to install (their dependencies come along)`,
      canPickMany: true,
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    return picked?.map((i) => i.label);
  }

  /** `agentcode.listPackages`: the installed packages with versions and sizes; picking one offers to remove it. */
  async listCommand(): Promise<void> {
    await this.refresh();
    if (this.installed.length === 0) {
      void vscode.window.showInformationMessage("AgentCode: no Python packages are installed for the panel. Run 'AgentCode: Install Python Packages for the Panel…'.");
      return;
    }
    const total = this.installed.reduce((sum, p) => sum + p.size, 0);
    const picked = await vscode.window.showQuickPick(
      this.installed.map((p) => ({ label: p.name, description: `${p.version} · ${formatBytes(p.size)}`, detail: `import ${p.imports.join(", ")}` })),
      { title: `AgentCode: Python packages of the panel (${this.installed.length}, ${formatBytes(total)})`, placeHolder: "Pick one to remove it" },
    );
    if (picked === undefined) return;
    const choice = await vscode.window.showWarningMessage(`AgentCode: remove ${picked.label} (${picked.description}) from the panel?`, { modal: true }, "Remove");
    if (choice === "Remove") await this.uninstallCommand({ packages: [picked.label] });
  }

  /** `agentcode.uninstallPackages`; optional args `{packages: string[]}` skip the picker. */
  async uninstallCommand(args?: unknown): Promise<void> {
    await this.refresh();
    const names =
      requestedNames(args) ??
      (
        await vscode.window.showQuickPick(
          this.installed.map((p) => ({ label: p.name, description: `${p.version} · ${formatBytes(p.size)}` })),
          { title: "AgentCode: Remove Python Packages from the Panel", canPickMany: true },
        )
      )?.map((i) => i.label);
    if (names === undefined || names.length === 0) return;
    const lock = await this.lock();
    const needing = dependents(lock, this.installed.map((p) => p.name), names);
    if (needing.length > 0) {
      const choice = await vscode.window.showWarningMessage(
        `AgentCode: ${needing.join(", ")} need${needing.length === 1 ? "s" : ""} ${names.join(", ")}. Remove ${needing.length === 1 ? "it" : "them"} too?`,
        { modal: true },
        "Remove All",
      );
      if (choice !== "Remove All") return;
    }
    const removed = await this.store.remove([...names, ...needing]);
    await this.refresh();
    const freed = removed.reduce((sum, p) => sum + p.size, 0);
    void vscode.window.showInformationMessage(
      removed.length === 0 ? "AgentCode: none of those packages was installed." : `AgentCode: removed ${removed.map((p) => p.name).join(", ")} (${formatBytes(freed)}).`,
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function requestedNames(args: unknown): string[] | undefined {
  if (typeof args !== "object" || args === null || !("packages" in args) || !Array.isArray(args.packages)) return undefined;
  return args.packages.filter((n): n is string => typeof n === "string" && n.trim() !== "");
}
