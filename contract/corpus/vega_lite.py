# Vega-Lite charts by both MIME names, from inline data and from the mounted /data file, and a .vl.json file.
import csv
import json

with open("/data/sales.csv", newline="") as f:
    rows = list(csv.DictReader(f))
totals = {}
for row in rows:
    totals[row["region"]] = totals.get(row["region"], 0.0) + float(row["amount"])
values = [{"region": k, "total": v} for k, v in sorted(totals.items())]
encoding = {"x": {"field": "region", "type": "nominal"}, "y": {"field": "total", "type": "quantitative"}}
display({"application/vnd.vegalite.v5+json": {"data": {"values": values}, "mark": "bar", "encoding": encoding}}, raw=True)
display({"application/vnd.vegalite.v6+json": {"data": {"url": "/data/sales.csv"}, "mark": "point",
                                              "encoding": {"x": {"field": "region", "type": "nominal"},
                                                           "y": {"field": "amount", "type": "quantitative"}}}}, raw=True)
with open("/output/chart.vl.json", "w") as f:
    json.dump({"data": {"values": values}, "mark": "line", "encoding": encoding}, f)
print(sorted(totals))
