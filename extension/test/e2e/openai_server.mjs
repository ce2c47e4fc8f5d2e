// A real HTTP server on 127.0.0.1 (ephemeral port) speaking the OpenAI chat-completions wire format, for the
// end-to-end tests: `POST /v1/chat/completions` answers from a script of replies, one per request, as an SSE
// stream (`data: {chunk}` with choices[].delta.content, a finish_reason chunk, then `data: [DONE]`) when the
// request asks for `"stream": true`, else as one JSON completion. Every request is recorded (method, path,
// headers, body) so a test can assert what reached the model and with which key. The server stops on `close()`
// and, should a test forget, by itself after an idle period (an unref'd timer that never keeps Node alive).
import http from "node:http";

/**
 * A scripted reply; `held`, when given, is a promise the reply waits for before it is sent (a model still thinking,
 * for as long as the test needs).
 * @typedef {({ kind: "text", content: string, chunkSize?: number } | { kind: "status", status: number }) & { held?: Promise<unknown> }} ScriptedReply
 */
/** @typedef {{ method: string, path: string, headers: http.IncomingHttpHeaders, body: string, json: unknown }} RecordedRequest */

/** A reply whose text holds `code` in a python fence, as a model would answer; `held`: see ScriptedReply. */
export function codeReply(code, { held } = {}) {
  return { kind: "text", content: `Here is the program:\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`, held };
}

/** An error status with an OpenAI-style error body. */
export function statusReply(status) {
  return { kind: "status", status };
}

/**
 * Starts the server. `replies` are answered in order; a request beyond the script gets HTTP 599 so a test that
 * sends more than it expects fails visibly instead of hanging.
 * @param {{ replies: ScriptedReply[], idleMs?: number }} options
 */
export async function startOpenAiServer({ replies, idleMs = 15 * 60 * 1000 }) {
  const script = [...replies];
  /** @type {RecordedRequest[]} */
  const requests = [];
  let idle;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => server.close(), idleMs);
    idle.unref();
  };

  const server = http.createServer((req, res) => {
    touch();
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // Recorded as-is; the assertion on the body will say what arrived.
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json });
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/chat/completions")) {
        return writeError(res, 404, `no route for ${req.method} ${req.url}`);
      }
      const reply = script.shift();
      if (reply === undefined) {
        return writeError(res, 599, "unscripted request");
      }
      if (reply.held !== undefined) await reply.held;
      if (reply.kind === "status") {
        return writeError(res, reply.status, `scripted status ${reply.status}`);
      }
      const stream = typeof json === "object" && json !== null && json.stream === true;
      if (stream) {
        writeStream(res, reply.content, reply.chunkSize ?? 8);
      } else {
        writeJson(res, 200, completion(reply.content));
      }
    });
  });
  // Keep-alive sockets would hold close() open until they time out.
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  touch();
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Queues more replies, answered after the ones already scripted. */
    enqueue: (...more) => void script.push(...more),
    /** Replies not yet consumed. */
    pending: () => script.length,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(idle);
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

const created = 1_700_000_000;

function completion(content) {
  return {
    id: "chatcmpl-e2e",
    object: "chat.completion",
    created,
    model: "test-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(content, finishReason) {
  return {
    id: "chatcmpl-e2e",
    object: "chat.completion.chunk",
    created,
    model: "test-model",
    choices: [
      { index: 0, delta: content === null ? {} : { role: "assistant", content }, finish_reason: finishReason },
    ],
  };
}

function writeStream(res, content, size) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (let i = 0; i < content.length; i += size) {
    res.write(`data: ${JSON.stringify(chunk(content.slice(i, i + size), null))}\n\n`);
  }
  res.write(`data: ${JSON.stringify(chunk(null, "stop"))}\n\n`);
  res.end("data: [DONE]\n\n");
}

function writeJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function writeError(res, status, message) {
  writeJson(res, status, { error: { message, type: "test_error", code: String(status) } });
}
