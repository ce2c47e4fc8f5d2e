# Runs the user's program inside the sandbox and reports how it ended. The program arrives on stdin; it runs as
# module __main__ from a file named main.py so tracebacks point at its own lines. The outcome is one JSON record
# written to stderr after a marker carrying a per-run nonce from argv, which the host strips from the stderr it
# shows. The record only describes the program's own exception; the host decides timeouts, memory and output
# limits itself, so a program that forges the record can only lie about its own error.
import sys


def _run(nonce, err):
    import builtins
    import io
    import json
    import linecache
    import traceback  # imported before the program runs, so reporting a MemoryError needs no new memory

    source = sys.stdin.buffer.read().decode("utf-8", "replace")
    sys.stdin = io.StringIO("")
    sys.argv = ["main.py"]
    lines = source.splitlines(True)
    linecache.cache["main.py"] = (len(source), None, lines, "main.py")
    record = {"status": "ok"}
    main = type(sys)("__main__")
    main.__dict__.update({"__file__": "main.py", "__builtins__": builtins})
    sys.modules["__main__"] = main
    try:
        code = compile(source, "main.py", "exec", dont_inherit=True)
        exec(code, main.__dict__)
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
    err.write(b"\n\x1eAGENTCODE-RESULT " + nonce.encode() + b" " + json.dumps(record).encode() + b"\n")
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


_run(sys.argv.pop(1), sys.stderr.buffer)
