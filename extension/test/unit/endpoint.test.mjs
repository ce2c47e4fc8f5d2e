// Endpoints and keys: the origin of a base URL (default ports, trailing slashes, case, IDN hosts), the secret
// name per origin, the choice between the user's own endpoint and a workspace's, and which key may go where.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiKeySecretName,
  chooseEndpoint,
  defaultBaseUrl,
  endpointOrigin,
  environmentKeyApplies,
  legacyApiKeySecret,
  legacyKeyOrigin,
  serverEndpoint,
  settledEndpoint,
  workspaceEndpointQuestion,
} from "./out/settings/endpoint.mjs";

test("the origin drops the scheme's default port but keeps any other", () => {
  assert.equal(endpointOrigin("https://api.openai.com:443/v1"), "https://api.openai.com");
  assert.equal(endpointOrigin("http://localhost:80/v1"), "http://localhost");
  assert.equal(endpointOrigin("http://localhost:11434/v1"), "http://localhost:11434");
  assert.equal(endpointOrigin("https://example.com:80/v1"), "https://example.com:80");
  assert.equal(endpointOrigin("http://[::1]:8080/v1"), "http://[::1]:8080");
});

test("the origin ignores the path, trailing slashes and surrounding blanks", () => {
  for (const url of ["https://host.example", "https://host.example/", "https://host.example/v1", "https://host.example/v1/", "  https://host.example/v1//  "]) {
    assert.equal(endpointOrigin(url), "https://host.example", url);
  }
});

test("the origin lower-cases the scheme and host", () => {
  assert.equal(endpointOrigin("HTTPS://API.OpenAI.COM/v1"), "https://api.openai.com");
});

test("an IDN host becomes punycode, so the look-alike and the ASCII spelling share one origin", () => {
  assert.equal(endpointOrigin("https://Bücher.example/v1"), "https://xn--bcher-kva.example");
  assert.equal(endpointOrigin("https://xn--bcher-kva.example"), "https://xn--bcher-kva.example");
  assert.notEqual(endpointOrigin("https://аpi.openai.com/v1"), "https://api.openai.com", "a Cyrillic 'а' is another origin");
});

test("anything but an http or https URL has no origin", () => {
  for (const url of ["", "not a url", "ftp://host.example/", "file:///etc/passwd", "javascript:alert(1)", "localhost:11434/v1"]) {
    assert.equal(endpointOrigin(url), undefined, url);
  }
});

test("each origin has its own secret name, and spellings of one origin share it", () => {
  const a = apiKeySecretName(endpointOrigin("https://API.example.com:443/v1/"));
  assert.equal(a, apiKeySecretName(endpointOrigin("https://api.example.com")));
  assert.equal(a, "agentcode.llm.apiKey@https://api.example.com");
  const others = ["http://api.example.com", "https://api.example.com:8443", "https://evil.example.com", "https://api.example.com.evil.example"];
  const names = new Set([a, ...others.map((u) => apiKeySecretName(endpointOrigin(u)))]);
  assert.equal(names.size, 5, "scheme, host and port each make another name");
  assert.ok(!names.has(legacyApiKeySecret), "never the earlier single key's name");
});

const none = () => undefined;

test("without settings the user's own endpoint is the environment's, then OpenAI", () => {
  assert.deepEqual(chooseEndpoint({}, none), { kind: "ready", endpoint: { source: "default", baseUrl: defaultBaseUrl, origin: "https://api.openai.com" } });
  assert.deepEqual(chooseEndpoint({ environment: "http://127.0.0.1:9/v1" }, none), {
    kind: "ready",
    endpoint: { source: "environment", baseUrl: "http://127.0.0.1:9/v1", origin: "http://127.0.0.1:9" },
  });
  assert.equal(chooseEndpoint({ user: "http://u.example/v1", environment: "http://127.0.0.1:9/v1" }, none).endpoint.source, "user");
});

test("a workspace base URL of another origin is asked about, and never used before the answer", () => {
  const levels = { user: "http://127.0.0.1:1/v1", workspace: "http://127.0.0.1:2/v1" };
  const choice = chooseEndpoint(levels, none);
  assert.equal(choice.kind, "ask");
  assert.equal(choice.workspace.origin, "http://127.0.0.1:2");
  assert.equal(settledEndpoint(choice).origin, "http://127.0.0.1:1", "until then the server is set up for the user's own endpoint");
  assert.equal(
    workspaceEndpointQuestion(choice.workspace),
    "This workspace points AgentCode at http://127.0.0.1:2. Send prompts (and your key for it, if you set one) there?",
  );
});

test("Allow uses the workspace's endpoint and Deny keeps the user's own, each for that origin only", () => {
  const levels = { user: "http://127.0.0.1:1/v1", workspace: "http://127.0.0.1:2/v1" };
  const allowed = chooseEndpoint(levels, (o) => (o === "http://127.0.0.1:2" ? "allow" : undefined));
  assert.deepEqual(allowed, { kind: "ready", endpoint: { source: "workspace", baseUrl: "http://127.0.0.1:2/v1", origin: "http://127.0.0.1:2" } });
  const denied = chooseEndpoint(levels, (o) => (o === "http://127.0.0.1:2" ? "deny" : undefined));
  assert.equal(denied.endpoint.origin, "http://127.0.0.1:1");
  assert.equal(denied.ignored.origin, "http://127.0.0.1:2");
  const otherOrigin = chooseEndpoint({ ...levels, workspace: "http://127.0.0.1:3/v1" }, (o) => (o === "http://127.0.0.1:2" ? "allow" : undefined));
  assert.equal(otherOrigin.kind, "ask", "an Allow for one origin is not one for another");
});

test("a workspace base URL of the user's own origin needs no question", () => {
  const choice = chooseEndpoint({ user: "https://API.example.com/v1", workspace: "https://api.example.com:443/other/" }, none);
  assert.deepEqual(choice, { kind: "ready", endpoint: { source: "user", baseUrl: "https://api.example.com:443/other/", origin: "https://api.example.com" } });
  assert.equal(chooseEndpoint({ workspace: "https://api.openai.com/v1" }, none).endpoint.source, "default");
});

test("a base URL that is not http(s) is refused with a sentence naming it", () => {
  const ws = chooseEndpoint({ workspace: "file:///tmp/x" }, none);
  assert.equal(ws.kind, "invalid");
  assert.match(ws.message, /'file:\/\/\/tmp\/x' \(workspace settings\) is not an http or https URL/);
  assert.equal(chooseEndpoint({ user: "localhost:11434" }, none).kind, "invalid");
  assert.equal(settledEndpoint(ws), undefined);
});

test("the server may use an environment key for the user's own endpoint only", () => {
  assert.deepEqual(serverEndpoint({ source: "workspace", baseUrl: "http://w/v1", origin: "http://w" }), { baseUrl: "http://w/v1", useEnvironmentKey: false });
  assert.deepEqual(serverEndpoint({ source: "user", baseUrl: "http://u/v1", origin: "http://u" }), { baseUrl: "http://u/v1", useEnvironmentKey: true });
  // The environment's and the default endpoint are left to the server, which resolves the same values.
  assert.deepEqual(serverEndpoint({ source: "environment", baseUrl: "http://e/v1", origin: "http://e" }), { baseUrl: undefined, useEnvironmentKey: true });
  assert.deepEqual(serverEndpoint(undefined), { useEnvironmentKey: false });
  const env = { AGENTCODE_API_KEY: "sk-env" };
  assert.equal(environmentKeyApplies({ source: "default", baseUrl: defaultBaseUrl, origin: "https://api.openai.com" }, env), true);
  assert.equal(environmentKeyApplies({ source: "workspace", baseUrl: "http://w/v1", origin: "http://w" }, env), false);
  assert.equal(environmentKeyApplies({ source: "user", baseUrl: "http://u/v1", origin: "http://u" }, { OPENAI_API_KEY: "  " }), false);
});

test("a key stored by an earlier version belongs to the user's own endpoint, never the workspace's", () => {
  assert.equal(legacyKeyOrigin({ user: "http://127.0.0.1:1/v1", workspace: "http://127.0.0.1:2/v1" }), "http://127.0.0.1:1");
  assert.equal(legacyKeyOrigin({ workspace: "http://127.0.0.1:2/v1" }), "https://api.openai.com");
  assert.equal(legacyKeyOrigin({ user: "nonsense" }), undefined);
});
