"""Adds up the pass and fail counts that each test runner printed and prints one closing line.

Knows dotnet test's summary ("Passed!  - Failed: 0, Passed: 12, ...") and node's test runner ("# pass 3").
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
passed = failed = 0
for m in re.finditer(r"(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+)", text):
    failed += int(m.group(1))
    passed += int(m.group(2))
for m in re.finditer(r"^# pass (\d+)$", text, re.M):
    passed += int(m.group(1))
for m in re.finditer(r"^# fail (\d+)$", text, re.M):
    failed += int(m.group(1))
print(f"{passed} passed, {failed} failed")
