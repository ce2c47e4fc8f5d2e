# Rolling seven-day counts of events from a log, with dates parsed by datetime.
import datetime as dt
from collections import deque

events = []
with open("/data/events.log") as f:
    for line in f:
        stamp, _, kind = line.partition(" ")
        events.append((dt.datetime.fromisoformat(stamp), kind.strip()))
events.sort()

window = deque()
for when, kind in events:
    window.append(when)
    while window and when - window[0] > dt.timedelta(days=7):
        window.popleft()
    print(when.date().isoformat(), kind, len(window))
