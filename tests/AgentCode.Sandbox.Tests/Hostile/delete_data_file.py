# expect: error
# Data files cannot be deleted.
import os
os.remove("/data/input.txt")
print("ESCAPED")
