# expect: error
# One allocation as large as the 32-bit address space: CPython refuses the size itself, without allocating, so the
# host sees no memory growth and reports the program's own MemoryError as an error, not as the memory limit.
x = bytearray(2 ** 31 - 1)
print("ESCAPED", len(x))
