# Past the file cap, both runtimes stop with the same status and keep the same outputs.
for i in range(70):
    with open(f"/output/file-{i:02}.txt", "w") as f:
        f.write(str(i))
print("wrote 70 files")
