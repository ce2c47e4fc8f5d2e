# expect: output-limit
# A program that swallows the write errors must still be stopped.
while True:
    try:
        print("B" * 10000, flush=True)
    except BaseException:
        pass
