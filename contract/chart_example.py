import csv
from collections import defaultdict

from IPython.display import display

totals = defaultdict(float)
with open("/data/sales.csv", newline="") as f:
    for row in csv.DictReader(f):
        totals[row["region"]] += float(row["amount"])

rows = [{"region": region, "total": round(total, 2)} for region, total in sorted(totals.items())]
display({"application/vnd.vegalite.v5+json": {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "title": "Total sales per region",
    "data": {"values": rows},
    "mark": "bar",
    "encoding": {
        "x": {"field": "region", "type": "nominal", "title": "Region"},
        "y": {"field": "total", "type": "quantitative", "title": "Total sales"},
    },
}}, raw=True)
print(rows)
