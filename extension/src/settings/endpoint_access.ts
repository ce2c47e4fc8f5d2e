/**
 * The user's say over where prompts and keys go. Reads the base URL per settings level, keeps one API key per
 * endpoint origin in SecretStorage, asks once per workspace and origin (a modal, remembered in workspaceState)
 * before a workspace's own endpoint is used, and asks for the key of an origin that has none before Generate.
 * The decisions themselves are made by the pure endpoint.ts.
 */
import * as vscode from "vscode";
import type { EndpointSettings } from "./config";
import {
  apiKeySecretName,
  chooseEndpoint,
  environmentKeyApplies,
  legacyApiKeySecret,
  legacyKeyOrigin,
  serverEndpoint,
  settledEndpoint,
  workspaceEndpointQuestion,
  type BaseUrlLevels,
  type Endpoint,
  type EndpointChoice,
  type EndpointDecision,
} from "./endpoint";

const decisionsKey = "agentcode.endpointDecisions";
const keylessKey = "agentcode.keylessOrigins";

/** The outcome of getting ready to generate. */
export type Prepared =
  | { readonly kind: "ready"; readonly endpoint: Endpoint }
  | { readonly kind: "cancelled" }
  | { readonly kind: "invalid"; readonly message: string };

function firstNonBlank(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}

function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export class EndpointAccess {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** The base URL per level. An untrusted workspace has none (VS Code ignores it too: restrictedConfigurations). */
  levels(): BaseUrlLevels {
    const i = vscode.workspace.getConfiguration("agentcode").inspect<unknown>("llm.baseUrl");
    const workspace = vscode.workspace.isTrusted ? firstNonBlank(asString(i?.workspaceFolderValue), asString(i?.workspaceValue)) : undefined;
    return {
      user: asString(i?.globalValue),
      workspace,
      environment: firstNonBlank(process.env.AGENTCODE_BASE_URL, process.env.OPENAI_BASE_URL),
    };
  }

  private decisions(): Readonly<Record<string, EndpointDecision>> {
    const stored = this.context.workspaceState.get<unknown>(decisionsKey);
    return typeof stored === "object" && stored !== null ? (stored as Record<string, EndpointDecision>) : {};
  }

  choice(): EndpointChoice {
    const decisions = this.decisions();
    return chooseEndpoint(this.levels(), (origin) => (Object.hasOwn(decisions, origin) ? decisions[origin] : undefined));
  }

  /** The stored key of `origin`; a key from an earlier version counts as the user's own endpoint's until it is moved. */
  async keyFor(origin: string): Promise<string | undefined> {
    const key = await this.context.secrets.get(apiKeySecretName(origin));
    if (key !== undefined) return key;
    return origin === legacyKeyOrigin(this.levels()) ? this.context.secrets.get(legacyApiKeySecret) : undefined;
  }

  /** What the server is configured with: an undecided workspace endpoint is never among it. */
  async serverSettings(): Promise<EndpointSettings & { readonly origin?: string; readonly source?: string }> {
    const endpoint = settledEndpoint(this.choice());
    const apiKey = endpoint === undefined ? undefined : await this.keyFor(endpoint.origin);
    return { ...serverEndpoint(endpoint), apiKey, origin: endpoint?.origin, source: endpoint?.source };
  }

  /**
   * Moves a key stored by an earlier version (one key for every endpoint) to the origin of the user's own
   * endpoint. Done when the user acts (Generate, Set API Key), when the user settings are surely loaded.
   */
  async migrateLegacyKey(): Promise<void> {
    const legacy = await this.context.secrets.get(legacyApiKeySecret);
    if (legacy === undefined) return;
    const origin = legacyKeyOrigin(this.levels());
    if (origin === undefined) return;
    if ((await this.context.secrets.get(apiKeySecretName(origin))) === undefined) {
      await this.context.secrets.store(apiKeySecretName(origin), legacy);
    }
    await this.context.secrets.delete(legacyApiKeySecret);
    this.output.info(`The stored API key now belongs to ${origin} (your own endpoint) and is sent nowhere else.`);
  }

  /** Before a generation: the workspace endpoint question if due, then the key question if the origin has none. */
  async prepareGenerate(): Promise<Prepared> {
    await this.migrateLegacyKey();
    let choice = this.choice();
    if (choice.kind === "ask") {
      const answered = await this.askAboutWorkspace(choice.workspace, choice.user);
      if (!answered) return { kind: "cancelled" };
      choice = this.choice();
    }
    if (choice.kind === "invalid") return choice;
    if (choice.kind === "ask") return { kind: "cancelled" };
    const endpoint = choice.endpoint;
    if (choice.ignored !== undefined) {
      this.output.info(`The workspace's endpoint ${choice.ignored.origin} is denied; using your own, ${endpoint.origin}.`);
    }
    if (!(await this.hasKeyOrNeedsNone(endpoint))) {
      const asked = await this.askForKey(endpoint.origin, true);
      if (asked === "cancelled") return { kind: "cancelled" };
    }
    this.output.info(`Endpoint for this generation: ${endpoint.origin} (${endpoint.source}).`);
    return { kind: "ready", endpoint };
  }

  private async hasKeyOrNeedsNone(endpoint: Endpoint): Promise<boolean> {
    if ((await this.keyFor(endpoint.origin)) !== undefined) return true;
    if (environmentKeyApplies(endpoint, process.env)) return true;
    return this.context.globalState.get<string[]>(keylessKey, []).includes(endpoint.origin);
  }

  /** The modal for a workspace endpoint; false when the user dismissed it without deciding. */
  private async askAboutWorkspace(workspace: Endpoint, user: Endpoint): Promise<boolean> {
    const allow = "Allow";
    const deny = "Deny";
    const choice = await vscode.window.showWarningMessage(
      workspaceEndpointQuestion(workspace),
      {
        modal: true,
        detail:
          `The workspace settings set agentcode.llm.baseUrl to ${workspace.baseUrl}. Deny keeps your own endpoint, ${user.origin}. ` +
          "Keys are stored per origin, and keys from the environment are never sent to a workspace's endpoint. " +
          "'AgentCode: Reset Workspace Endpoint Decisions' asks again.",
      },
      allow,
      deny,
    );
    if (choice !== allow && choice !== deny) return false;
    const decision: EndpointDecision = choice === allow ? "allow" : "deny";
    await this.context.workspaceState.update(decisionsKey, { ...this.decisions(), [workspace.origin]: decision });
    this.output.info(`Workspace endpoint ${workspace.origin}: ${decision} (remembered for this workspace).`);
    if (decision === "deny") {
      void vscode.window.showInformationMessage(
        `AgentCode: this workspace's endpoint ${workspace.origin} is not used; prompts go to your own endpoint, ${user.origin}.`,
      );
    }
    return true;
  }

  /**
   * Asks for the key of `origin` and stores it. From Generate (`forGenerate`), an empty answer means "this server
   * needs no key" and is remembered; from the command it removes the stored key.
   */
  async askForKey(origin: string, forGenerate: boolean): Promise<"stored" | "none" | "cancelled"> {
    const value = await vscode.window.showInputBox({
      title: forGenerate ? `AgentCode: Set API key for ${origin}` : `AgentCode: Set API Key for ${origin}`,
      prompt: forGenerate
        ? `No API key is stored for ${origin}. It is kept in VS Code's secret storage and sent only there. Leave empty if this server needs no key.`
        : `API key for ${origin} (kept in VS Code's secret storage, sent only there). Leave empty to remove it.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return "cancelled";
    const keyless = this.context.globalState.get<string[]>(keylessKey, []).filter((o) => o !== origin);
    if (value.trim() === "") {
      await this.context.secrets.delete(apiKeySecretName(origin));
      await this.context.globalState.update(keylessKey, forGenerate ? [...keyless, origin] : keyless);
      return "none";
    }
    await this.context.globalState.update(keylessKey, keyless);
    await this.context.secrets.store(apiKeySecretName(origin), value.trim());
    return "stored";
  }

  /** `agentcode.setApiKey`: the key of the endpoint Generate would use now (the user's own while a workspace's is undecided). */
  async setApiKeyCommand(): Promise<void> {
    await this.migrateLegacyKey();
    const endpoint = settledEndpoint(this.choice());
    if (endpoint === undefined) {
      throw new Error("agentcode.llm.baseUrl is not an http or https URL; fix it in the settings first, then set the key.");
    }
    const origin = endpoint.origin;
    const result = await this.askForKey(origin, false);
    if (result === "stored") void vscode.window.showInformationMessage(`AgentCode: API key for ${origin} saved.`);
    if (result === "none") void vscode.window.showInformationMessage(`AgentCode: API key for ${origin} removed.`);
  }

  /** `agentcode.resetEndpointDecisions`: forgets this workspace's Allow / Deny answers. */
  async resetDecisions(): Promise<void> {
    const origins = Object.keys(this.decisions());
    await this.context.workspaceState.update(decisionsKey, undefined);
    void vscode.window.showInformationMessage(
      origins.length === 0
        ? "AgentCode: this workspace has no endpoint decisions to reset."
        : `AgentCode: forgot this workspace's decisions for ${origins.join(", ")}; the next Generate asks again.`,
    );
  }
}
