# Checks a Python program inside the sandbox: CPython's own parser for syntax errors, then an AST policy
# analysis whose findings are advisory (the sandbox is the security boundary, not this file). The program arrives
# on stdin; one JSON document goes to stdout. Ranges are 0-based with UTF-16 columns (the LSP convention).
# Rule ids are stable and documented in docs/rules.md.
import ast
import sys

ERROR = "error"
WARNING = "warning"

PROCESS_MODULES = {"subprocess", "pty", "multiprocessing", "pexpect", "sh", "plumbum", "commands", "popen2"}
PROCESS_CALLS = {
    "os.system", "os.popen", "os.fork", "os.forkpty", "os.kill", "os.killpg", "os.posix_spawn", "os.posix_spawnp",
    "os.startfile", "os.execl", "os.execle", "os.execlp", "os.execlpe", "os.execv", "os.execve", "os.execvp",
    "os.execvpe", "os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnlpe", "os.spawnv", "os.spawnve", "os.spawnvp",
    "os.spawnvpe", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "platform.popen",
}
NETWORK_MODULES = {
    "socket", "ssl", "urllib.request", "urllib3", "http.client", "http.server", "requests", "httpx", "aiohttp",
    "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc.client", "xmlrpc.server", "socketserver",
    "websocket", "websockets", "paramiko", "pyodide.http", "asyncio.streams",
}
NETWORK_CALLS = {"asyncio.open_connection", "asyncio.start_server", "urllib.request.urlopen", "pyodide.http.pyfetch",
                 "pyodide.http.open_url"}
WRITE_CALLS = {
    "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.rename", "os.renames", "os.replace", "os.mkdir",
    "os.makedirs", "os.chmod", "os.chown", "os.link", "os.symlink", "os.truncate", "os.write", "os.mkfifo",
    "shutil.rmtree", "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
    "shutil.copymode", "shutil.copystat", "shutil.make_archive", "shutil.chown", "tempfile.mkstemp",
    "tempfile.mkdtemp", "tempfile.NamedTemporaryFile", "tempfile.TemporaryFile", "tempfile.TemporaryDirectory",
}
WRITE_METHODS = {"write_text", "write_bytes", "touch", "unlink", "rmdir", "mkdir", "symlink_to", "hardlink_to"}
DYNAMIC_BUILTINS = {"eval", "exec", "compile", "__import__"}
DYNAMIC_CALLS = {"importlib.import_module", "importlib.__import__", "importlib.util.spec_from_file_location",
                 "importlib.util.module_from_spec", "runpy.run_path", "runpy.run_module", "code.interact",
                 "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__"}
DYNAMIC_MODULES = {"importlib", "runpy", "code", "codeop"}
JS_MODULES = {"js", "pyodide_js", "pyodide.code", "pyodide.ffi", "pyodide.webloop"}
JS_CALLS = {"pyodide.code.run_js", "pyodide.runPython", "pyodide.ffi.run_js"}
DUNDER_ESCAPES = {"__subclasses__", "__globals__", "__builtins__", "__code__", "__closure__", "__mro__", "__bases__",
                  "__base__", "__loader__", "__spec__", "__dict__", "__getattribute__", "__reduce__", "__reduce_ex__",
                  "f_globals", "f_locals", "f_back", "f_builtins", "gi_frame", "cr_frame", "tb_frame", "co_code"}
# Dunders common in ordinary code are reported only as strings handed to getattr-like calls, not as attributes.
COMMON_DUNDERS = {"__dict__", "__mro__", "__bases__", "__base__"}
DECODERS = {"base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.a85decode", "base64.b85decode",
            "base64.urlsafe_b64decode", "base64.standard_b64decode", "base64.decodebytes", "codecs.decode",
            "binascii.unhexlify", "binascii.a2b_base64", "binascii.a2b_hex", "zlib.decompress", "bz2.decompress",
            "lzma.decompress", "gzip.decompress", "marshal.loads", "pickle.loads", "bytes.fromhex", "bytearray.fromhex"}
LONG_LITERAL = 200

MESSAGES = {
    "AC101": "runs another process or shell ({}); the sandbox has no processes, so this will fail",
    "AC102": "opens a network connection ({}); the sandbox has no network",
    "AC103": "writes or changes files ({}); the sandbox file system is read-only except /output, whose files are shown as outputs",
    "AC104": "runs dynamically built code ({}); the checker cannot see what it does",
    "AC105": "reaches JavaScript through the Pyodide bridge ({}); generated code must stay in Python",
    "AC106": "touches interpreter internals ({}), a common way to escape restrictions",
    "AC107": "looks obfuscated ({}); hidden code cannot be reviewed",
}
SEVERITY = {"AC101": ERROR, "AC102": ERROR, "AC103": WARNING, "AC104": ERROR, "AC105": ERROR, "AC106": ERROR,
            "AC107": ERROR}


class Source:
    """Converts CPython positions (1-based lines, UTF-8 byte columns) to LSP positions (0-based, UTF-16)."""

    def __init__(self, text):
        self.lines = text.splitlines(True) or [""]

    def utf16_from_bytes(self, line, byte_col):
        if line < 1 or line > len(self.lines) or byte_col is None:
            return max(byte_col or 0, 0)
        prefix = self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace")
        return len(prefix.encode("utf-16-le")) // 2

    def utf16_from_chars(self, line, char_col):
        if line < 1 or line > len(self.lines):
            return max(char_col, 0)
        return len(self.lines[line - 1][:char_col].encode("utf-16-le")) // 2

    def node_range(self, node):
        line = getattr(node, "lineno", 1) or 1
        end_line = getattr(node, "end_lineno", None) or line
        col = self.utf16_from_bytes(line, getattr(node, "col_offset", 0) or 0)
        end_col = getattr(node, "end_col_offset", None)
        end = self.utf16_from_bytes(end_line, end_col) if end_col is not None else col
        return [line - 1, col, end_line - 1, end]


def dotted(node):
    """The dotted name of a Name/Attribute chain, or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def const_str(node):
    """The value of a string built only from constants ('ev' + 'al', f'...' without fields), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = const_str(node.left), const_str(node.right)
        if left is not None and right is not None:
            return left + right
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values)
    return None


OUTPUT_DIR = "/output"
# Calls whose second argument is where they write (the first is what they read).
DESTINATION_SECOND = {"os.rename", "os.renames", "os.replace", "os.link", "os.symlink", "shutil.move", "shutil.copy",
                      "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.copymode", "shutil.copystat"}


def leading_text(node, output_names=()):
    """The constant text a path expression starts with ('/output/' + x, f'/output/{x}', Path('/output') / x,
    os.path.join('/output', x), a name assigned one of those), or None when it is not known."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        return leading_text(node.left, output_names)
    if isinstance(node, ast.Call) and node.args:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("join", "Path", "PurePath", "PosixPath", "abspath", "normpath"):
            return leading_text(node.args[0], output_names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return leading_text(node.func.value, output_names)  # Path('/output/x').with_suffix('.svg')
    if isinstance(node, ast.Name) and node.id in output_names:
        return OUTPUT_DIR + "/"
    return None


def under_output(node, output_names=()):
    """Whether a path expression certainly names /output or a path below it (where writes are allowed)."""
    text = leading_text(node, output_names)
    if text is None:
        return False
    parts = text.split("/")
    return text.startswith(OUTPUT_DIR) and (text == OUTPUT_DIR or text[len(OUTPUT_DIR)] == "/") and ".." not in parts


def is_chr_call(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "chr"


class Checker(ast.NodeVisitor):
    def __init__(self, source):
        self.source = source
        self.aliases = {}
        self.findings = []
        self.seen = set()
        # Writes under /output are the program's outputs, not a finding: the call nodes allowed, and the names
        # assigned an /output path.
        self.output_writes = set()
        self.output_names = set()

    def report(self, rule, node, detail, severity=None):
        if rule == "AC103" and id(node) in self.output_writes:
            return
        rng = self.source.node_range(node)
        key = (rule, tuple(rng))
        if key in self.seen:
            return
        self.seen.add(key)
        self.findings.append({"rule": rule, "severity": severity or SEVERITY[rule], "range": rng,
                              "message": MESSAGES[rule].format(detail)})

    def qualified(self, node):
        """The dotted name with import aliases resolved: 'sp.run' after 'import subprocess as sp' is 'subprocess.run'."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.aliases:
            head = self.aliases[head]
        return head + ("." + rest if rest else "")

    def check_module(self, module, node):
        for rule, modules in (("AC101", PROCESS_MODULES), ("AC102", NETWORK_MODULES), ("AC105", JS_MODULES),
                              ("AC104", DYNAMIC_MODULES)):
            for m in modules:
                if module == m or module.startswith(m + "."):
                    self.report(rule, node, "import " + module)
        if module == "ctypes" or module.startswith("ctypes."):
            self.report("AC106", node, "import ctypes")

    def check_name(self, name, node):
        """Checks a fully qualified callable or attribute name against the call tables."""
        for rule, calls in (("AC101", PROCESS_CALLS), ("AC102", NETWORK_CALLS), ("AC103", WRITE_CALLS),
                            ("AC104", DYNAMIC_CALLS), ("AC105", JS_CALLS)):
            if name in calls:
                self.report(rule, node, name)
                return True
        return False

    def visit_Import(self, node):
        for alias in node.names:
            self.check_module(alias.name, node)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases.setdefault(top, top)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        self.check_module(module, node)
        for alias in node.names:
            full = module + "." + alias.name if module else alias.name
            self.check_module(full, node)
            self.check_name(full, node)
            if alias.name in DUNDER_ESCAPES:
                self.report("AC106", node, alias.name)
            if module == "builtins" and alias.name in DYNAMIC_BUILTINS:
                self.report("AC104", node, alias.name)
            self.aliases[alias.asname or alias.name] = full
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in DUNDER_ESCAPES and node.attr not in COMMON_DUNDERS:
            self.report("AC106", node, node.attr)
        name = self.qualified(node)
        if name:
            self.check_name(name, node)
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in ("__builtins__",):
            self.report("AC106", node, node.id)
        if node.id in ("pyodide_js", "js") and self.aliases.get(node.id) in ("js", "pyodide_js"):
            self.report("AC105", node, node.id)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        key = const_str(node.slice)
        if key in DYNAMIC_BUILTINS:
            self.report("AC104", node, "lookup of " + key)
        elif key in DUNDER_ESCAPES:
            self.report("AC106", node, "lookup of " + key)
        self.generic_visit(node)

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, (str, bytes)) and len(value) >= LONG_LITERAL:
            text = value.decode("latin-1") if isinstance(value, bytes) else value
            compact = "".join(text.split())
            b64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-")
            if compact and all(c in b64 for c in compact) and " " not in text.strip()[:LONG_LITERAL]:
                self.report("AC107", node, "a long encoded string literal", WARNING)
            elif "\\x" in text[:LONG_LITERAL] and text.count("\\x") * 4 >= len(text) // 2:
                self.report("AC107", node, "a long escaped byte string", WARNING)

    def visit_Assign(self, node):
        if under_output(node.value, self.output_names):
            self.output_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        self.generic_visit(node)

    def writes_under_output(self, node, name):
        """Whether this call writes only under /output: its destination path is certainly there."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            return under_output(func.value, self.output_names)
        position = 1 if name in DESTINATION_SECOND else 0
        if len(node.args) > position:
            return under_output(node.args[position], self.output_names)
        for kw in node.keywords:
            if kw.arg in ("file", "path", "dst", "name"):
                return under_output(kw.value, self.output_names)
        return False

    def visit_Call(self, node):
        func = node.func
        name = self.qualified(func)
        if self.writes_under_output(node, name):
            self.output_writes.update((id(node), id(func)))
        if isinstance(func, ast.Name) and func.id in DYNAMIC_BUILTINS and self.aliases.get(func.id, func.id) == func.id:
            self.report("AC104", node, func.id + "()")
            self.check_decoded(node)
        elif name in ("builtins.eval", "builtins.exec", "builtins.compile") or (
                name and name.split(".")[-1] in ("eval", "exec") and name.startswith("builtins")):
            self.check_decoded(node)
        if isinstance(func, ast.Name) and func.id == "open" and "open" not in self.aliases:
            self.check_open(node)
        if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS and name not in WRITE_CALLS:
            if func.attr != "mkdir" or not (name or "").startswith("os."):
                self.report("AC103", node, "." + func.attr + "()")
        if isinstance(func, ast.Attribute) and func.attr == "open" and name not in ("os.open",):
            self.check_open(node, method=True)
        if name == "os.open":
            self.report("AC103", node, "os.open")
        if isinstance(func, ast.Name) and func.id in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
            self.check_getattr(node)
        if isinstance(func, ast.Attribute) and func.attr == "join" and node.args:
            arg = node.args[0]
            elts = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else None
            if (isinstance(arg, (ast.GeneratorExp, ast.ListComp)) and is_chr_call(arg.elt)) or (
                    elts and len(elts) >= 4 and all(is_chr_call(e) for e in elts)):
                self.report("AC107", node, "a string assembled from chr() codes")
        self.generic_visit(node)

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.Add):
            chain, current = [], node
            while isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
                chain.append(current.right)
                current = current.left
            chain.append(current)
            if len(chain) >= 4 and all(is_chr_call(e) for e in chain):
                self.report("AC107", node, "a string assembled from chr() codes")
                return
        self.generic_visit(node)

    def check_getattr(self, node):
        attr = const_str(node.args[1])
        target = self.qualified(node.args[0])
        if attr is None:
            self.report("AC107", node, "attribute name computed at run time", WARNING)
            return
        if attr in DUNDER_ESCAPES:
            self.report("AC106", node, attr)
        if attr in DYNAMIC_BUILTINS:
            self.report("AC104", node, "getattr(..., '" + attr + "')")
        if target:
            self.check_name(target + "." + attr, node)
        if not isinstance(node.args[1], ast.Constant):
            self.report("AC107", node, "attribute name assembled from pieces")

    def check_open(self, node, method=False):
        mode = None
        if method:
            if node.args:
                mode = const_str(node.args[0])
        elif len(node.args) >= 2:
            mode = const_str(node.args[1])
        for kw in node.keywords:
            if kw.arg == "mode":
                mode = const_str(kw.value)
        if mode is not None and any(c in mode for c in "wax+"):
            self.report("AC103", node, "open(mode=" + repr(mode) + ")")

    def check_decoded(self, node):
        for arg in node.args[:1]:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.Call):
                    inner = self.qualified(sub.func)
                    if inner in DECODERS or (isinstance(sub.func, ast.Attribute) and sub.func.attr in (
                            "b64decode", "decompress", "fromhex", "unhexlify")):
                        self.report("AC107", node, "runs code decoded by " + (inner or sub.func.attr))
                        return
                    if isinstance(sub.func, ast.Attribute) and sub.func.attr == "join" and sub.args and isinstance(
                            sub.args[0], (ast.GeneratorExp, ast.ListComp)) and is_chr_call(sub.args[0].elt):
                        self.report("AC107", node, "runs code assembled from chr() codes")
                        return


def check(text):
    """Parses and analyses one program; returns the report as a dict."""
    source = Source(text)
    result = {"syntaxErrors": [], "findings": []}
    try:
        tree = ast.parse(text, "<program>", "exec")
    except SyntaxError as e:
        line = e.lineno or 1
        col = max((e.offset or 1) - 1, 0)
        end_line = e.end_lineno or line
        end_col = (e.end_offset - 1) if e.end_offset and e.end_offset > 0 else col + 1
        if end_line == line and end_col <= col:
            end_col = col + 1
        rng = [line - 1, source.utf16_from_chars(line, col), end_line - 1, source.utf16_from_chars(end_line, end_col)]
        result["syntaxErrors"].append({"message": type(e).__name__ + ": " + str(e.msg), "range": rng})
    except (ValueError, RecursionError, MemoryError) as e:
        result["syntaxErrors"].append({"message": type(e).__name__ + ": " + str(e), "range": [0, 0, 0, 1]})
    else:
        checker = Checker(source)
        checker.visit(tree)
        result["findings"] = sorted(checker.findings, key=lambda f: (f["range"], f["rule"]))
    return result


def serve():
    """Answers checks until stdin ends: each request and reply is b'<length>\\n' followed by that many bytes.
    The checked source is only parsed, never executed, so one interpreter can safely serve many checks."""
    import json
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = stdin.readline()
        if not header:
            return
        text = stdin.read(int(header)).decode("utf-8", "replace")
        try:
            reply = json.dumps(check(text)).encode()
        except RecursionError as e:
            reply = json.dumps({"syntaxErrors": [{"message": "RecursionError: " + str(e), "range": [0, 0, 0, 1]}],
                                "findings": []}).encode()
        stdout.write(str(len(reply)).encode() + b"\n" + reply)
        stdout.flush()


def main():
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    import json
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    sys.stdout.write(json.dumps(check(text)))
    sys.stdout.flush()


main()
