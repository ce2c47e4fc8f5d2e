# Descriptive statistics of a numeric column, with the standard library only.
import json
import math
import statistics
from pathlib import Path

values = [float(line) for line in Path("/data/values.txt").read_text().split() if line]
report = {
    "n": len(values),
    "mean": statistics.fmean(values),
    "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
    "median": statistics.median(values),
    "log_mean": math.log(statistics.fmean(values)) if values and min(values) > 0 else None,
}
print(json.dumps(report, indent=2))
