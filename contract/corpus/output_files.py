# Files written under /output become outputs after the displayed ones, sorted by path, typed by extension.
import json
import os
from pathlib import Path

os.makedirs("/output/nested", exist_ok=True)
Path("/output/zeta.txt").write_text("last by name\n")
with open("/output/alpha.svg", "w") as f:
    f.write("<svg xmlns='http://www.w3.org/2000/svg'><circle r='3'/></svg>")
with open("/output/nested/report.md", "w") as f:
    f.write("## Report\n\nAll good.\n")
with open("/output/summary.json", "w") as f:
    json.dump({"rows": 5}, f)
with open("/output/blob.bin", "wb") as f:
    f.write(bytes(range(8)))
display("displayed before the files")
