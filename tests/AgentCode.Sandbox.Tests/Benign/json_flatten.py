# Flattens nested JSON records into dotted keys and counts the value types.
import json
from collections import Counter


def flatten(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}{key}.")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}{i}.")
    else:
        yield prefix[:-1], value


with open("/data/records.json", encoding="utf-8") as f:
    records = json.load(f)
types = Counter(type(v).__name__ for r in records for _, v in flatten(r))
for name, count in types.most_common():
    print("%-10s %d" % (name, count))
