# expect: error
# /proc is not mounted.
print("ESCAPED", open("/proc/self/environ", "rb").read())
