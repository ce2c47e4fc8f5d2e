# expect: error
# A host file named by its absolute path is not visible.
print("ESCAPED", open("{{CANARY}}").read())
