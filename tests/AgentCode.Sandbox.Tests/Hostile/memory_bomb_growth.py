# expect: memory
# Many small allocations must also hit the cap.
chunks = []
while True:
    chunks.append("x" * (1 << 20))
