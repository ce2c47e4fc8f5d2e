# expect: output-limit
# Endless stderr is capped too.
import sys
while True:
    sys.stderr.write("E" * 10000 + "\n")
