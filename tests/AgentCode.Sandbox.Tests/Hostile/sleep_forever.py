# expect: timeout
# A sleep blocks in the host, where epochs cannot reach; the sandbox's own poll_oneoff must still stop it.
import time
time.sleep(10 ** 6)
