/**
 * Which model endpoint a generation goes to, and which key may go with it. Pure (no `vscode`): the origin of a
 * base URL (WHATWG URL parser: scheme, lower-case host in punycode, port without the scheme's default), the
 * SecretStorage name of an origin's key, and the choice between the user's own endpoint (user settings, then
 * AGENTCODE_BASE_URL / OPENAI_BASE_URL, then OpenAI) and one a workspace sets, which needs the user's Allow.
 * Environment keys go only to the user's own endpoint.
 */

/** The server's endpoint when nothing is configured. */
export const defaultBaseUrl = "https://api.openai.com/v1";

/** Where earlier versions kept the one key for every endpoint; see `legacyKeyOrigin`. */
export const legacyApiKeySecret = "agentcode.llm.apiKey";

/** The SecretStorage name of the key for `origin` (an `endpointOrigin` result). */
export function apiKeySecretName(origin: string): string {
  return `${legacyApiKeySecret}@${origin}`;
}

/**
 * The origin of an http(s) base URL ("https://host[:port]"), or undefined when it is not one. The URL parser
 * lower-cases the host, turns IDN hosts into punycode, drops the scheme's default port and ignores the path.
 */
export function endpointOrigin(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.hostname === "") return undefined;
  return url.origin;
}

/** Where the effective base URL came from. `user`, `environment` and `default` are the user's own endpoint. */
export type EndpointSource = "user" | "environment" | "default" | "workspace";

export interface Endpoint {
  readonly source: EndpointSource;
  /** The base URL as configured (the default's for `default`). */
  readonly baseUrl: string;
  readonly origin: string;
}

/** The user's Allow or Deny for a workspace's endpoint, remembered per workspace and origin. */
export type EndpointDecision = "allow" | "deny";

/** The base URL as each level sets it (unset or blank: undefined). */
export interface BaseUrlLevels {
  /** User (or remote machine) settings. */
  readonly user?: string;
  /** Workspace or workspace-folder settings. */
  readonly workspace?: string;
  /** AGENTCODE_BASE_URL, else OPENAI_BASE_URL, of the extension host (the server inherits the same). */
  readonly environment?: string;
}

export type EndpointChoice =
  /** Generate may go ahead with `endpoint`; `ignored` is a workspace endpoint the user denied. */
  | { readonly kind: "ready"; readonly endpoint: Endpoint; readonly ignored?: Endpoint }
  /** The workspace sets an endpoint of another origin and the user has not decided yet. */
  | { readonly kind: "ask"; readonly workspace: Endpoint; readonly user: Endpoint }
  /** A base URL that is not an http(s) URL; `message` says which and what to do. */
  | { readonly kind: "invalid"; readonly message: string };

function blank(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function invalid(baseUrl: string, where: string): EndpointChoice {
  return {
    kind: "invalid",
    message: `The base URL '${baseUrl}' (${where}) is not an http or https URL. Fix agentcode.llm.baseUrl, e.g. http://localhost:11434/v1.`,
  };
}

/** The user's own endpoint: user settings, then the environment, then OpenAI. */
export function userEndpoint(levels: BaseUrlLevels): Endpoint | EndpointChoice {
  const user = blank(levels.user);
  const env = blank(levels.environment);
  const [source, baseUrl]: [EndpointSource, string] =
    user !== undefined ? ["user", user] : env !== undefined ? ["environment", env] : ["default", defaultBaseUrl];
  const origin = endpointOrigin(baseUrl);
  if (origin === undefined) return invalid(baseUrl, source === "user" ? "user settings" : "AGENTCODE_BASE_URL or OPENAI_BASE_URL");
  return { source, baseUrl, origin };
}

function isChoice(x: Endpoint | EndpointChoice): x is EndpointChoice {
  return "kind" in x;
}

/**
 * The endpoint a generation uses. A workspace base URL of the user's own origin is simply used; one of another
 * origin needs a decision: `allow` uses it, `deny` keeps the user's own endpoint, none yet asks.
 */
export function chooseEndpoint(levels: BaseUrlLevels, decision: (origin: string) => EndpointDecision | undefined): EndpointChoice {
  const user = userEndpoint(levels);
  if (isChoice(user)) return user;
  const ws = blank(levels.workspace);
  if (ws === undefined) return { kind: "ready", endpoint: user };
  const origin = endpointOrigin(ws);
  if (origin === undefined) return invalid(ws, "workspace settings");
  if (origin === user.origin) return { kind: "ready", endpoint: { source: user.source, baseUrl: ws, origin } };
  const workspace: Endpoint = { source: "workspace", baseUrl: ws, origin };
  switch (decision(origin)) {
    case "allow":
      return { kind: "ready", endpoint: workspace };
    case "deny":
      return { kind: "ready", endpoint: user, ignored: workspace };
    default:
      return { kind: "ask", workspace, user };
  }
}

/** The endpoint to configure the server with before (or without) a decision: never an undecided workspace one. */
export function settledEndpoint(choice: EndpointChoice): Endpoint | undefined {
  return choice.kind === "ready" ? choice.endpoint : choice.kind === "ask" ? choice.user : undefined;
}

/** What the server is told about the endpoint: the base URL it may use, and whether an environment key may go there. */
export interface ServerEndpoint {
  /** Left out for `environment` and `default`: the server resolves those itself (and says "No API key" when it has none). */
  readonly baseUrl?: string;
  readonly useEnvironmentKey: boolean;
}

export function serverEndpoint(endpoint: Endpoint | undefined): ServerEndpoint {
  if (endpoint === undefined) return { useEnvironmentKey: false };
  const own = endpoint.source !== "workspace";
  return { baseUrl: endpoint.source === "user" || endpoint.source === "workspace" ? endpoint.baseUrl : undefined, useEnvironmentKey: own };
}

/** True when the server will have a key for `endpoint` without one stored: an environment key for the user's own endpoint. */
export function environmentKeyApplies(endpoint: Endpoint, env: { readonly AGENTCODE_API_KEY?: string; readonly OPENAI_API_KEY?: string }): boolean {
  return endpoint.source !== "workspace" && (blank(env.AGENTCODE_API_KEY) !== undefined || blank(env.OPENAI_API_KEY) !== undefined);
}

/** The origin a key stored by an earlier version belongs to: the user's own endpoint's. */
export function legacyKeyOrigin(levels: BaseUrlLevels): string | undefined {
  const user = userEndpoint(levels);
  return isChoice(user) ? undefined : user.origin;
}

/** The modal's sentence for a workspace endpoint. */
export function workspaceEndpointQuestion(workspace: Endpoint): string {
  return `This workspace points AgentCode at ${workspace.origin}. Send prompts (and your key for it, if you set one) there?`;
}
