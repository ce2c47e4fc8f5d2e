// Prints one line per mutation report that `npm run mutation` left behind: killed (timeouts included) over all
// mutants that compiled, as a percentage, with the survivors and uncovered mutants counted. The reports follow the
// mutation-testing-report schema that Stryker.NET and StrykerJS both write.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function newestReport(dir) {
  if (!fs.existsSync(dir)) return undefined;
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "mutation-report.json" || e.name === "mutation.json") found.push(full);
    }
  };
  walk(dir);
  found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return found[0];
}

const reports = [
  ["sandbox (Stryker.NET)", path.join(root, "tests/AgentCode.Sandbox.Tests/StrykerOutput")],
  ["webview protocol (StrykerJS)", path.join(root, "webview-pyodide/reports/mutation")],
  ["extension pure modules (StrykerJS)", path.join(root, "extension/reports/mutation")],
];
for (const [name, dir] of reports) {
  const file = newestReport(dir);
  if (file === undefined) {
    console.log(`mutation score ${name}: no report`);
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  const counts = {};
  for (const f of Object.values(report.files)) for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const score = detected + undetected === 0 ? 0 : (100 * detected) / (detected + undetected);
  console.log(`mutation score ${name}: ${score.toFixed(1)}% (${detected} killed, ${counts.Survived ?? 0} survived, ${counts.NoCoverage ?? 0} not covered)`);
}
