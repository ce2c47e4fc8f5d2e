# A small data analysis over the generated sales CSV: csv parsing, grouping, statistics and a sort, the kind of
# script the extension generates. DATA is prepended by the benchmark (the /data path in the sandbox).
import csv
import statistics
from collections import defaultdict

with open(DATA, newline="") as f:
    rows = list(csv.DictReader(f))
by_region = defaultdict(list)
for row in rows:
    by_region[row["region"]].append(float(row["amount"]))
for region, amounts in sorted(by_region.items()):
    print(f"{region:<6} n={len(amounts)} mean={statistics.mean(amounts):.2f} p90={statistics.quantiles(amounts, n=10)[-1]:.2f}")
top = sorted(rows, key=lambda r: float(r["amount"]), reverse=True)[:5]
print([r["id"] for r in top])
