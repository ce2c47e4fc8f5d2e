# expect: ok
# No host environment variables reach the guest.
import os
leaked = [k for k in os.environ if k in ("PATH", "HOME", "USER", "AGENTCODE_CANARY", "OPENAI_API_KEY")]
if leaked:
    print("ESCAPED", leaked)
print("environ size", len(os.environ))
