// File names for generated code and `# %%` cells.
import assert from "node:assert/strict";
import { test } from "node:test";
import { slugOfPrompt, uniqueName } from "./out/naming.mjs";
import { cellAt } from "./out/run/cells.mjs";

test("a prompt becomes a short Python module name", () => {
  assert.equal(slugOfPrompt("Total sales per region, from /data/sales.csv!"), "total_sales_per_region_from_data_sales");
  assert.equal(slugOfPrompt("Crème brûlée recipe"), "creme_brulee_recipe");
  assert.equal(slugOfPrompt("2024 report"), "code_2024_report");
  assert.equal(slugOfPrompt("???"), "generated");
  assert.ok(slugOfPrompt("word ".repeat(100)).length <= 40);
  assert.match(slugOfPrompt("x".repeat(100)), /^x{40}$/);
});

test("a taken name gets the first free numeric suffix", () => {
  const taken = new Set(["report.py", "report_2.py"]);
  assert.equal(uniqueName("report", ".py", (n) => taken.has(n)), "report_3.py");
  assert.equal(uniqueName("other", ".py", (n) => taken.has(n)), "other.py");
});

test("the cell at a line runs from its # %% marker to the next one", () => {
  const text = "import os\n# %% first\na = 1\n# %%\nb = 2\n";
  assert.deepEqual(cellAt(text, 2), { start: 1, end: 3 });
  assert.deepEqual(cellAt(text, 4), { start: 3, end: 6 });
  assert.deepEqual(cellAt(text, 0), { start: 0, end: 1 });
  assert.deepEqual(cellAt("x = 1\ny = 2", 1), { start: 0, end: 2 });
});
