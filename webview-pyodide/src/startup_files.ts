/**
 * What the page fetches for its workers when it starts (see PyodideFiles in worker_protocol.ts for why the page, not
 * the worker, fetches): the worker bundle as a Blob URL to start workers from, Pyodide's files with
 * `pyodide.asm.wasm` compiled as it streams in, and a snapshot saved by an earlier page, checked by size and SHA-256
 * before anything uses it. Each step leaves a performance mark (`agentcode:*`) that the benchmark reads.
 */

import { type PersistedSnapshot } from "./html";
import { type PyodideFiles } from "./worker_protocol";

async function fetchOk(url: string, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url.slice(url.lastIndexOf("/") + 1)}: HTTP ${response.status}`);
  return response;
}

/** The lower-case hex SHA-256 of some bytes. */
async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The worker bundle as a Blob URL to start workers from. */
export async function fetchWorkerUrl(assetsBase: string, signal: AbortSignal): Promise<string> {
  const worker = await (await fetchOk(`${assetsBase}/worker.js`, signal)).blob();
  return URL.createObjectURL(new Blob([worker], { type: "text/javascript" }));
}

/**
 * Pyodide's files, fetched once for all workers; `pyodide.asm.wasm` is compiled as it streams in (whatever type the
 * webview serves it with), so no worker compiles it.
 */
export async function fetchPyodideFiles(assetsBase: string, signal: AbortSignal): Promise<PyodideFiles> {
  const base = `${assetsBase}/pyodide/`;
  const [wasm, stdlib, lock] = await Promise.all([
    fetchOk(`${base}pyodide.asm.wasm`, signal).then((response) =>
      WebAssembly.compileStreaming(new Response(response.body, { headers: { "content-type": "application/wasm" } })),
    ),
    fetchOk(`${base}python_stdlib.zip`, signal).then((response) => response.blob()),
    fetchOk(`${base}pyodide-lock.json`, signal).then((response) => response.blob()),
  ]);
  performance.mark("agentcode:files-ready");
  return { "pyodide.asm.wasm": wasm, "python_stdlib.zip": stdlib, "pyodide-lock.json": lock };
}

/**
 * The saved snapshot's bytes when it has the size and SHA-256 the host recorded, or why not: the only check of its
 * SHA-256, made on the bytes that will be used (the host checks the sidecar and the size only).
 */
export async function fetchCheckedSnapshot(
  saved: PersistedSnapshot,
  signal: AbortSignal,
): Promise<{ ok: true; bytes: ArrayBuffer } | { ok: false; reason: string }> {
  try {
    const response = await fetch(saved.url, { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    performance.mark("agentcode:snapshot-fetched");
    if (bytes.byteLength !== saved.bytes) return { ok: false, reason: `its size is ${bytes.byteLength} bytes, not ${saved.bytes}` };
    if ((await sha256Hex(bytes)) !== saved.sha256.toLowerCase()) return { ok: false, reason: "its SHA-256 does not match" };
    performance.mark("agentcode:snapshot-checked");
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, reason: `it could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}
