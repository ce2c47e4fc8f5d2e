# expect: memory
# Many 1 MiB allocations must hit the cap. The program gives up by itself at 1 GiB, so a cap that is not enforced
# shows as an escape instead of taking the host's memory.
chunks = []
for _ in range(1024):
    chunks.append("x" * (1 << 20))
print("ESCAPED", len(chunks))
