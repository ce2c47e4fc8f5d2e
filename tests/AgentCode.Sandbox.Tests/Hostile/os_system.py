# expect: error|ok
# os.system must not run a shell.
import os
if hasattr(os, "system") and os.system("touch {{CANARY}}.touched") == 0:
    print("ESCAPED")
raise SystemExit(0 if not hasattr(os, "system") else 1)
