# expect: error
# Hard exit without the runner's record is reported, not mistaken for success.
import os
os._exit(7)
