# expect: ok
# Guessing file descriptors gives nothing beyond stdio and /data.
import os
for fd in range(3, 64):
    try:
        data = os.read(fd, 4096)
        if b"{{SECRET}}" in data:
            print("ESCAPED", fd)
    except OSError:
        pass
print("done")
