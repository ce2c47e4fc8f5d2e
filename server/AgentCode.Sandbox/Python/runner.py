# Runs the user's program inside the sandbox and reports how it ended. Everything arrives on stdin as one JSON
# document: the per-run nonce, the output contract (contract/agentcode_contract.py, as source or as code the host
# had compiled once, and contract.json, shared with the panel) and the program. stdin is then emptied, so nothing the program can read (argv, stdin, environment)
# holds the nonce. The program runs as module __main__ from a file named main.py, so tracebacks point at its own
# lines, through the contract's execute() (a trailing expression is displayed, as in the panel). The outcome,
# with the outputs the contract collected from display() and /output, is one JSON record written to stderr after
# a marker carrying the nonce, which the host strips from the stderr it shows. The record only describes the
# program's own exception and outputs; the host decides timeouts, memory and output limits itself, so a program
# that forges the record can only lie about its own error.
import sys


def _load():
    import json

    envelope = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    contract = type(sys)("agentcode_contract")
    if "contractCode" in envelope:  # compiled once by the host (ContractBytecode.cs), unmarshalled here
        import binascii
        import marshal

        code = marshal.loads(binascii.a2b_base64(envelope["contractCode"]))
    else:
        code = compile(envelope["contractSource"], "agentcode_contract.py", "exec")
    exec(code, contract.__dict__)
    contract.configure(envelope["contract"])
    contract.install()
    sys.modules["agentcode_contract"] = contract
    return envelope["nonce"].encode("ascii"), contract, envelope["code"]


def _run(nonce, contract, source, err):
    import builtins
    import io
    import json
    import linecache
    import traceback  # imported before the program runs, so reporting a MemoryError needs no new memory

    sys.stdin = io.StringIO("")
    sys.argv = ["main.py"]
    lines = source.splitlines(True)
    linecache.cache["main.py"] = (len(source), None, lines, "main.py")
    record = {"status": "ok"}
    main = type(sys)("__main__")
    main.__dict__.update({"__file__": "main.py", "__builtins__": builtins})
    sys.modules["__main__"] = main
    contract.begin_run()
    try:
        pending = contract.execute(source, "main.py", main.__dict__)
        if pending is not None:  # top-level await
            contract.run_coroutine(pending)
    except SystemExit as e:
        if e.code not in (None, 0):
            record = {"status": "error", "type": "SystemExit", "message": "exit code " + str(e.code),
                      "traceback": "", "line": None}
    except BaseException as e:  # noqa: B036 - everything the program raises is reported, KeyboardInterrupt too
        if isinstance(e, MemoryError):
            main.__dict__.clear()  # frees the program's data so the report can be built
        try:
            record = _describe(e, traceback)
        except BaseException:
            record = {"status": "error", "type": type(e).__name__, "message": "", "traceback": "", "line": None}
    try:
        sys.stdout.flush()
    except BaseException:
        pass
    try:
        collected = contract.collect("/output")
    except BaseException as e:  # noqa: B036 - a broken /output must not hide the program's own result
        collected = {"outputs": [], "limit": None, "problem": "The outputs could not be collected: %s" % e}
    # Written in pieces, so a large output needs no second copy of the whole record in memory.
    err.write(b"\n\x1eAGENTCODE-RESULT " + nonce + b" " + json.dumps(record)[:-1].encode())
    err.write(b', "outputLimit": ' + json.dumps(collected.get("limit")).encode())
    err.write(b', "outputProblem": ' + json.dumps(collected.get("problem")).encode() + b', "outputs": [')
    for i, output in enumerate(collected["outputs"]):
        err.write((", " if i else "").encode() + json.dumps(output).encode())
    err.write(b"]}\n")
    err.flush()


def _describe(e, traceback):
    tb = e.__traceback__
    frames = [f for f in traceback.extract_tb(tb) if f.filename == "main.py"]
    line = frames[-1].lineno if frames else None
    if isinstance(e, SyntaxError) and e.filename == "main.py":
        line = e.lineno
    text = "Traceback (most recent call last):\n" if frames else ""
    text += "".join(traceback.format_list(frames))
    try:
        text += "".join(traceback.format_exception_only(type(e), e))
        message = str(e)
    except BaseException:
        message = "<unprintable " + type(e).__name__ + ">"
        text += type(e).__name__ + ": " + message + "\n"
    return {"status": "error", "type": type(e).__name__, "message": message[:4000], "traceback": text[-16000:],
            "line": line}


_run(*_load(), sys.stderr.buffer)
