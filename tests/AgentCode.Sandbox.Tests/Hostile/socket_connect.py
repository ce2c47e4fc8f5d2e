# expect: error
# No network: connecting to a listening host socket must fail.
import socket
s = socket.create_connection(("127.0.0.1", {{PORT}}), timeout=2)
print("ESCAPED")
