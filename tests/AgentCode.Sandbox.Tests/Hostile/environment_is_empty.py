# expect: ok
# No host environment variable reaches the guest, although the host running it has API keys set.
import os
if os.environ:
    print("ESCAPED", dict(os.environ))
print("environ size", len(os.environ))
