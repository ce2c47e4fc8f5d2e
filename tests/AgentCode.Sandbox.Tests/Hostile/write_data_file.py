# expect: error
# /data is read-only.
with open("/data/input.txt", "a") as f:
    f.write("ESCAPED")
print("ESCAPED")
