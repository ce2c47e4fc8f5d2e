# Word frequencies of a text file, with a format string built for the widest word.
import re
import string
import sys
from collections import Counter

text = open("/data/book.txt", encoding="utf-8").read().lower()
words = re.findall(r"[a-z']+", text.translate(str.maketrans("", "", string.digits)))
common = Counter(words).most_common(15)
width = max(len(w) for w, _ in common) if common else 5
line = "%-" + str(width) + "s %6d"
for word, count in common:
    print(line % (word, count))
print("distinct words:", len(set(words)), file=sys.stderr)
name = "upper"
print(getattr("done", name)())
