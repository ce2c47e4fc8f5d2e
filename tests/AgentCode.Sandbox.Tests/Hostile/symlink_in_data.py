# expect: error
# No symlinks out of /data.
import os
os.symlink("/etc/passwd", "/data/link")
print("ESCAPED", open("/data/link").read())
