# expect: error
# '..' must not leave /data.
print("ESCAPED", open("/data/../etc/passwd").read())
