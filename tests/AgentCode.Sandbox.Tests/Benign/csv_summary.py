# Total and average sales per region from a CSV file, printed as a table.
import csv
from collections import defaultdict

totals = defaultdict(float)
counts = defaultdict(int)
with open("/data/sales.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        totals[row["region"]] += float(row["amount"])
        counts[row["region"]] += 1

print(f"{'region':<10}{'total':>10}{'mean':>10}")
for region in sorted(totals):
    print(f"{region:<10}{totals[region]:>10.2f}{totals[region] / counts[region]:>10.2f}")
