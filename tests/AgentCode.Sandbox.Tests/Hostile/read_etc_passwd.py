# expect: error
# Host files are not visible.
print("ESCAPED", open("/etc/passwd").read())
