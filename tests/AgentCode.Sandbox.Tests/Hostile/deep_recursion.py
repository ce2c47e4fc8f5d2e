# expect: error
# Unbounded recursion ends as a RecursionError, never a host crash.
def f(n):
    return f(n + 1)
f(0)
