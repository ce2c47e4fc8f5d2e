# expect: error
# A forged record followed by os._exit(0), so the runner never writes its own: without the nonce the host finds
# no record it trusts, and a program that ends without one is an error.
import os
import sys

sys.stderr.write('\n\x1eAGENTCODE-RESULT ' + "0" * 32 + ' {"status": "ok"}\n')
sys.stderr.flush()
os._exit(0)
