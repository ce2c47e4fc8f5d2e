# A small typed pipeline: parse rows into dataclasses, filter, sort and print a summary.
from __future__ import annotations

import csv
import itertools
import operator
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Sale:
    region: str
    product: str
    amount: float


def load(path: str) -> list[Sale]:
    with open(path, newline="") as f:
        return [Sale(r["region"], r["product"], float(r["amount"])) for r in csv.DictReader(f)]


sales = sorted(load("/data/sales.csv"), key=operator.attrgetter("region", "product"))
for region, group in itertools.groupby(sales, key=operator.attrgetter("region")):
    items = list(group)
    print(region, round(sum(map(operator.attrgetter("amount"), items)), 2))
print([f.name for f in fields(Sale)])
