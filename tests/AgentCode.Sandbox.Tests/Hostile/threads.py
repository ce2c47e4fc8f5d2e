# expect: error
# No threads to hide work from the deadline.
import threading
t = threading.Thread(target=lambda: None)
t.start()
print("ESCAPED")
