# expect: error
# Relative paths resolve nowhere useful.
print("ESCAPED", open("../../../../etc/hostname").read())
