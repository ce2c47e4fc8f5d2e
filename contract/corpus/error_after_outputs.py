# A program that fails after displaying something: the same status and the outputs shown before the failure.
display({"text/markdown": "before the error"}, raw=True)
print("about to fail")
raise ValueError("bad value")
