# expect: error
# A non-zero exit is an error.
import sys
sys.exit(3)
