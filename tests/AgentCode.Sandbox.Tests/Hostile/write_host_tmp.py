# expect: error
# No writable directory: /tmp on the host stays untouched.
with open("{{CANARY}}.written", "w") as f:
    f.write("ESCAPED")
print("ESCAPED")
