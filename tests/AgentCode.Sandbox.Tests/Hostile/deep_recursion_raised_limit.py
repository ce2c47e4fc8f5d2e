# expect: error
# With the recursion limit lifted, recursion through C (repr calls back into Python) exhausts the interpreter's
# stack; the host must survive and report the run as failed.
import sys
sys.setrecursionlimit(10 ** 7)
class Loop:
    def __repr__(self):
        return repr(self)
repr(Loop())
