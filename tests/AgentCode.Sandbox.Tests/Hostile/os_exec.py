# expect: error
# No exec.
import os
os.execv("/bin/sh", ["sh", "-c", "cat {{CANARY}}"])
print("ESCAPED")
