# Streams and text outputs with non-ASCII text keep every character in both runtimes.
import sys

print("héllo ✓ 日本 🎉")
print("to stderr", file=sys.stderr)
display("ünïcödé ✓")
display({"text/plain": "tab\tand\nnewline"}, raw=True)
