# Loads a CSV into an in-memory SQLite database and answers a question in SQL.
import csv
import sqlite3

db = sqlite3.connect(":memory:")
db.execute("create table t (city text, temp real)")
with open("/data/weather.csv", newline="") as f:
    db.executemany("insert into t values (?, ?)", ((r["city"], float(r["temp"])) for r in csv.DictReader(f)))
query = "select city, avg(temp), max(temp) from t group by city order by 2 desc"
for city, mean, high in db.execute(query):
    print("%s: mean %.1f, max %.1f" % (city, mean, high))
