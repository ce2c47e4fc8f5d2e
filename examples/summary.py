# Summarises the example data file mounted at /data/sales.csv: a quick check that the sandbox runs.
import csv
import statistics

with open("/data/sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))

by_region: dict[str, list[float]] = {}
for row in rows:
    by_region.setdefault(row["region"], []).append(float(row["amount"]))

for region, amounts in sorted(by_region.items()):
    print(f"{region:<6} n={len(amounts)} mean={statistics.mean(amounts):.2f}")
