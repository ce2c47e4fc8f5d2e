# expect: error
# HTTP clients have no network either.
import urllib.request
print("ESCAPED", urllib.request.urlopen("http://127.0.0.1:{{PORT}}/", timeout=2).read())
