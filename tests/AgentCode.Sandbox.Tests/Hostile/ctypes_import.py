# expect: error
# No native code from Python.
import ctypes
print("ESCAPED", ctypes.CDLL(None))
