# expect: error
# No processes.
import subprocess
print("ESCAPED", subprocess.run(["cat", "{{CANARY}}"], capture_output=True).stdout)
