# A bar chart of totals per category, shown rather than written anywhere.
import collections
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

totals = collections.Counter()
with open("/data/expenses.csv") as f:
    next(f)
    for line in f:
        category, amount = line.rstrip("\n").split(",")
        totals[category] += float(amount)

fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(list(totals), list(totals.values()))
ax.set_title("Expenses per category")
plt.show()
print(sorted(totals.items(), key=lambda kv: -kv[1])[:3])
