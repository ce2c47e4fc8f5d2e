# expect: memory
# One huge allocation must fail at the memory cap, not take the host's memory.
x = bytearray(2 ** 31 - 1)
print("ESCAPED", len(x))
