# expect: output-limit
# Endless stdout must stop at the output cap without filling memory or disk.
while True:
    print("A" * 10000)
