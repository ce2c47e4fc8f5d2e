# expect: error|ok
# The classic __subclasses__ walk finds nothing that reaches the host.
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "_wrap_close":
        system = cls.__init__.__globals__.get("system")
        if system is not None and system("cat {{CANARY}}") == 0:
            print("ESCAPED")
raise SystemExit(0)
