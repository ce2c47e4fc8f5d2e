# expect: error
# Closing the result channel cannot fake success.
import os
os.close(2)
raise RuntimeError("after closing stderr")
