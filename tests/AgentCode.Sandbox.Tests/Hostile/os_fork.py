# expect: error
# No fork.
import os
pid = os.fork()
print("ESCAPED", pid)
