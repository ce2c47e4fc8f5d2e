# expect: timeout
# A busy loop must be stopped at the deadline by epoch interruption.
while True:
    pass
