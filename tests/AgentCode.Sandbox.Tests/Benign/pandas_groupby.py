# Monthly revenue by product with pandas, the columns looked up by name.
import pandas as pd

df = pd.read_csv("/data/orders.csv", parse_dates=["date"])
df["month"] = df["date"].dt.to_period("M")
summary = df.groupby(["month", "product"])["revenue"].agg(["sum", "mean", "count"])
for stat in ["sum", "mean"]:
    print(stat, getattr(summary[stat], "max")())
agg = "median"
print(getattr(df["revenue"], agg)())
print(summary.head(20).to_string())
