# expect: ok
# The program's source is not readable again through stdin.
import sys
data = sys.stdin.read()
if data:
    print("ESCAPED", len(data))
print("stdin empty")
