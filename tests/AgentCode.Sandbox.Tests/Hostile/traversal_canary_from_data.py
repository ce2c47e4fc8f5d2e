# expect: error
# '..' chains from /data must not reach the canary either.
print("ESCAPED", open("/data/" + "../" * 12 + "{{CANARY}}".lstrip("/")).read())
