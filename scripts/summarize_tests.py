"""Adds up the pass and fail counts that each test runner printed and prints one closing line.

Knows dotnet test's summary ("Passed!  - Failed: 0, Passed: 12, ...") and node's test runner ("# pass 3").
scripts/test ends each step's output with a line "##step-exit RC COMMAND"; a step that failed without a runner
counting a failure (a build, tsc, packaging, a crashed runner) counts as one failure, so the closing line never
reads "0 failed" when the script exits 1.
"""
import re
import sys

STEP_EXIT = re.compile(r"^##step-exit (\d+) (.*)$", re.M)


def count(text):
    passed = failed = 0
    for m in re.finditer(r"(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+)", text):
        failed += int(m.group(1))
        passed += int(m.group(2))
    for m in re.finditer(r"^# pass (\d+)$", text, re.M):
        passed += int(m.group(1))
    for m in re.finditer(r"^# fail (\d+)$", text, re.M):
        failed += int(m.group(1))
    return passed, failed


def summarize(text):
    passed = failed = 0
    start = 0
    for m in STEP_EXIT.finditer(text):
        p, f = count(text[start:m.start()])
        if int(m.group(1)) != 0 and f == 0:
            f = 1
            print(f"failed step: {m.group(2)} (exit code {m.group(1)})")
        passed += p
        failed += f
        start = m.end()
    p, f = count(text[start:])
    return passed + p, failed + f


if __name__ == "__main__":
    passed, failed = summarize(open(sys.argv[1], encoding="utf-8", errors="replace").read())
    print(f"{passed} passed, {failed} failed")
