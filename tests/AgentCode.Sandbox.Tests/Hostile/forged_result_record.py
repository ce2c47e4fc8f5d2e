# expect: error
# Forging the runner's result record: the program looks for the per-run nonce in every channel it is given (argv,
# sys.orig_argv, the environment, stdin, file descriptor 0, the files it can list) and forges a record with each
# candidate, and with a zero nonce; none of them turns its failure into success. (The runner's own frames are not
# a channel the host hides: see docs/sandbox.md.)
import os
import re
import sys

candidates = {"0" * 32}


def look(value):
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    candidates.update(re.findall(r"[0-9A-Fa-f]{32}", value))


for arg in sys.argv + list(getattr(sys, "orig_argv", [])):
    look(arg)
for key, value in os.environ.items():
    look(key + "=" + value)
look(sys.stdin.read())
try:
    look(os.read(0, 1 << 20))
except OSError:
    pass
for top in ("/", "/data", "/output", "."):
    try:
        for root, _, files in os.walk(top):
            for name in files:
                try:
                    with open(os.path.join(root, name), "rb") as handle:
                        look(handle.read(1 << 20))
                except OSError:
                    pass
    except OSError:
        pass

for nonce in sorted(candidates):
    sys.stderr.write('\n\x1eAGENTCODE-RESULT ' + nonce + ' {"status": "ok"}\n')
sys.stderr.flush()
raise RuntimeError("still an error after trying %d candidates" % len(candidates))
