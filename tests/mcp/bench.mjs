/**
 * Benchmark (not a test): calls per second and p50/p95 latency of run_python for a hello program over one MCP
 * session (the MCP TypeScript SDK client over stdio), sequential and with 2 calls in flight, against a baseline
 * measured in the same run: spawning native python3 for the same program. `npm run bench -w tests/mcp`
 * (BENCH_CALLS=N changes the number of calls, default 50).
 */
import { spawnSync } from "node:child_process";
import { startServer } from "./server.mjs";

const calls = Number(process.env.BENCH_CALLS ?? 50);
const code = "print('hello')";

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const server = await startServer(["--no-record"]);
const call = async () => {
  const started = performance.now();
  const result = await server.client.callTool({ name: "run_python", arguments: { code } });
  if (result.structuredContent?.stdout !== "hello\n") throw new Error(`unexpected result: ${JSON.stringify(result)}`);
  return performance.now() - started;
};

for (let i = 0; i < 3; i++) await call(); // warm-up: module load, JIT

const sequential = [];
let started = performance.now();
for (let i = 0; i < calls; i++) sequential.push(await call());
const sequentialSeconds = (performance.now() - started) / 1000;

const parallel = [];
started = performance.now();
for (let i = 0; i < calls; i += 2) parallel.push(...(await Promise.all([call(), call()])));
const parallelSeconds = (performance.now() - started) / 1000;
await server.client.close();

const native = [];
for (let i = 0; i < Math.min(calls, 20); i++) {
  const t = performance.now();
  spawnSync("python3", ["-c", code]);
  native.push(performance.now() - t);
}

const f = (x) => x.toFixed(1);
console.log(`run_python hello over one MCP session, ${calls} calls`);
console.log(`  sequential:    ${f(calls / sequentialSeconds)} calls/s, p50 ${f(percentile(sequential, 50))} ms, p95 ${f(percentile(sequential, 95))} ms`);
console.log(`  2 in flight:   ${f(parallel.length / parallelSeconds)} calls/s, p50 ${f(percentile(parallel, 50))} ms, p95 ${f(percentile(parallel, 95))} ms`);
console.log(`  native python3 process per call (baseline): p50 ${f(percentile(native, 50))} ms`);
console.log(`  ratio p50 run_python / native python3: ${f(percentile(sequential, 50) / percentile(native, 50))}x`);
