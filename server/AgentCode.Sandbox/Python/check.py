# Checks a Python program inside the sandbox: CPython's own parser for syntax errors, then an AST policy
# analysis whose findings are advisory (the sandbox is the security boundary, not this file). The program arrives
# on stdin; one JSON document goes to stdout. Ranges are 0-based with UTF-16 columns (the LSP convention).
# Rule ids are stable and documented in docs/rules.md.
import ast
import sys

ERROR = "error"
WARNING = "warning"

PROCESS_MODULES = {"subprocess", "pty", "multiprocessing", "pexpect", "sh", "plumbum", "commands", "popen2",
                   "_posixsubprocess"}
# Modules that are os under another name: their functions are checked as os's.
OS_SYNONYMS = {"posix", "nt"}
PROCESS_CALLS = {
    "os.system", "os.popen", "os.fork", "os.forkpty", "os.kill", "os.killpg", "os.posix_spawn", "os.posix_spawnp",
    "os.startfile", "os.execl", "os.execle", "os.execlp", "os.execlpe", "os.execv", "os.execve", "os.execvp",
    "os.execvpe", "os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnlpe", "os.spawnv", "os.spawnve", "os.spawnvp",
    "os.spawnvpe", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "platform.popen",
}
NETWORK_MODULES = {
    "socket", "ssl", "urllib.request", "urllib3", "http.client", "http.server", "requests", "httpx", "aiohttp",
    "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc.client", "xmlrpc.server", "socketserver",
    "websocket", "websockets", "paramiko", "pyodide.http", "asyncio.streams", "_socket",
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
                 "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__",
                 # Unpickling runs whatever callables the data names.
                 "pickle.loads", "pickle.load", "pickle.Unpickler", "_pickle.loads", "_pickle.load",
                 "_pickle.Unpickler", "marshal.loads", "marshal.load", "shelve.open", "dill.loads", "dill.load",
                 "cloudpickle.loads", "cloudpickle.load"}
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


MAX_CONST = 10000
STR_METHODS = {"upper", "lower", "replace", "strip", "lstrip", "rstrip", "title", "capitalize", "swapcase",
               "casefold", "join", "format", "removeprefix", "removesuffix"}


def const_value(node, names=None, depth=0):
    """The value of an expression built only from constants (strings, numbers, tuples) by +, *, %, slicing,
    f-strings, chr(), str(), reversed() and plain string methods; names bound once to such a value count too.
    None when it cannot be known without running the program."""
    if depth > 50:
        return None
    def ev(n):
        return const_value(n, names, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name) and names is not None and node.id in names:
        return names[node.id][0]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = ev(node.operand)
        return (-operand if isinstance(node.op, ast.USub) else operand) if isinstance(operand, (int, float)) else None
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [ev(e) for e in node.elts]
        return None if any(i is None for i in items) else tuple(items)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None or v.conversion not in (-1, None):
                    return None
                v = v.value
            value = ev(v)
            if value is None:
                return None
            parts.append(str(value))
        return "".join(parts)
    try:
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult, ast.Mod)):
            left, right = ev(node.left), ev(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Mult) and (isinstance(left, int) and isinstance(right, int)
                                                  or max(left if isinstance(left, int) else 0,
                                                         right if isinstance(right, int) else 0) > MAX_CONST):
                return None
            value = left + right if isinstance(node.op, ast.Add) else left * right if isinstance(node.op, ast.Mult) \
                else left % right if isinstance(left, str) else None
        elif isinstance(node, ast.Subscript):
            base = ev(node.value)
            if not isinstance(base, (str, tuple)):
                return None
            if isinstance(node.slice, ast.Slice):
                bounds = [None if b is None else ev(b) for b in (node.slice.lower, node.slice.upper, node.slice.step)]
                if any(b is None and part is not None for b, part in
                       zip(bounds, (node.slice.lower, node.slice.upper, node.slice.step))):
                    return None
                value = base[slice(*bounds)]
            else:
                index = ev(node.slice)
                value = base[index] if isinstance(index, int) else None
        elif isinstance(node, ast.Call) and not node.keywords:
            args = [ev(a) for a in node.args]
            if any(a is None for a in args):
                return None
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("chr", "str", "reversed") and len(args) == 1:
                value = chr(args[0]) if func.id == "chr" else str(args[0]) if func.id == "str" else \
                    "".join(reversed(args[0])) if isinstance(args[0], str) else tuple(reversed(args[0]))
            elif isinstance(func, ast.Attribute) and func.attr in STR_METHODS:
                base = ev(func.value)
                value = getattr(base, func.attr)(*args) if isinstance(base, str) else None
            else:
                return None
        else:
            return None
    except (TypeError, ValueError, IndexError, KeyError, OverflowError):
        return None
    if isinstance(value, (str, tuple)) and len(value) > MAX_CONST:
        return None
    return value


def const_str(node, names=None):
    """The value of a string built only from constants ('ev' + 'al', 'metsys'[::-1], '%s' % 'x'), or None."""
    value = const_value(node, names)
    return value if isinstance(value, str) else None


def literal_only(node):
    """True when an expression is built from literals alone (no names but chr/str/reversed), even if the checker
    cannot work out its value: such a name was put together to be hidden."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in ("chr", "str", "reversed", "ord", "len"):
            return False
        if isinstance(sub, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
    return True


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


def constant_names(tree):
    """Names bound exactly once in the program, by a plain assignment of a constant expression: name -> (value,
    whether the value was assembled from pieces). A name bound any other way, or twice, is left out."""
    bindings, values = {}, {}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [(t, node.value if len(node.targets) == 1 else None) for t in node.targets]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [(node.target, node.value if isinstance(node, ast.AnnAssign) else None)]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            targets = [(t, None) for t in ast.walk(node.target)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            targets = [(ast.Name(a.arg), None) for a in ast.walk(node.args) if isinstance(a, ast.arg)]
        elif isinstance(node, ast.NamedExpr):
            targets = [(node.target, None)]
        for target, value in targets:
            if isinstance(target, ast.Name):
                bindings[target.id] = bindings.get(target.id, 0) + 1
                values[target.id] = value
    constants = {}
    for name, count in bindings.items():
        if count == 1 and values[name] is not None:
            value = const_str(values[name], constants)
            if value is not None:
                constants[name] = (value, not isinstance(values[name], ast.Constant))
    return constants


class Checker(ast.NodeVisitor):
    def __init__(self, source, tree=None):
        self.source = source
        self.aliases = {}
        self.star_modules = []
        self.findings = []
        self.seen = set()
        # Writes under /output are the program's outputs, not a finding: the call nodes allowed, and the names
        # assigned an /output path.
        self.output_writes = set()
        self.output_names = set()
        self.constants = constant_names(tree) if tree is not None else {}

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

    def qualified(self, node, depth=0):
        """The dotted name an expression refers to, with import aliases resolved ('sp.run' after 'import subprocess
        as sp' is 'subprocess.run') and the usual indirections seen through: sys.modules['os'], os.__dict__['x'],
        vars(os)['x'], getattr(os, 'x'), operator.attrgetter('x')(os), importlib.import_module('os')."""
        if depth > 20:
            return None
        q = lambda n: self.qualified(n, depth + 1)
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = q(node.value)
            return base + "." + node.attr if base else None
        if isinstance(node, ast.Subscript):
            key = const_str(node.slice, self.constants)
            return self.member(node.value, key, depth) if key else None
        if isinstance(node, ast.Call) and node.args:
            func = q(node.func) if not isinstance(node.func, ast.Call) else None
            first = const_str(node.args[0], self.constants)
            if func == "getattr" and len(node.args) >= 2:
                base, attr = q(node.args[0]), const_str(node.args[1], self.constants)
                return base + "." + attr if base and attr else None
            if func in ("importlib.import_module", "__import__", "builtins.__import__") and first:
                return first
            if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and first:
                return self.member(node.func.value, first, depth)
            if isinstance(node.func, ast.Call) and node.func.args:
                maker = q(node.func.func)
                attr = const_str(node.func.args[0], self.constants)
                if maker in ("operator.attrgetter", "operator.methodcaller") and attr:
                    base = q(node.args[0])
                    return base + "." + attr if base else None
        return None

    def member(self, mapping, key, depth):
        """The name behind mapping[key] when the mapping is a module table or namespace: sys.modules, X.__dict__, vars(X)."""
        if self.qualified(mapping, depth + 1) == "sys.modules":
            return key
        if isinstance(mapping, ast.Attribute) and mapping.attr == "__dict__":
            base = self.qualified(mapping.value, depth + 1)
            return base + "." + key if base else None
        if isinstance(mapping, ast.Call) and isinstance(mapping.func, ast.Name) and mapping.func.id == "vars" \
                and len(mapping.args) == 1:
            base = self.qualified(mapping.args[0], depth + 1)
            return base + "." + key if base else None
        return None

    def check_module(self, module, node):
        if module.split(".")[0] in OS_SYNONYMS:
            self.report("AC106", node, "import " + module + ", the low-level module behind os")
        for rule, modules in (("AC101", PROCESS_MODULES), ("AC102", NETWORK_MODULES), ("AC105", JS_MODULES),
                              ("AC104", DYNAMIC_MODULES)):
            for m in modules:
                if module == m or module.startswith(m + "."):
                    self.report(rule, node, "import " + module)
        if module == "ctypes" or module.startswith("ctypes."):
            self.report("AC106", node, "import ctypes")

    def check_name(self, name, node):
        """Checks a fully qualified callable or attribute name against the call tables."""
        head, dot, rest = name.partition(".")
        if head in OS_SYNONYMS and dot:
            name = "os." + rest
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
            if alias.name == "*":
                # Every later bare name may be one of this module's functions.
                self.star_modules.append(module)
                continue
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
        if isinstance(node.ctx, ast.Load) and node.id not in self.aliases:
            for module in self.star_modules:
                self.check_name(module + "." + node.id, node)
        if node.id in ("__builtins__",):
            self.report("AC106", node, node.id)
        if node.id in ("pyodide_js", "js") and self.aliases.get(node.id) in ("js", "pyodide_js"):
            self.report("AC105", node, node.id)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        name = self.qualified(node)
        if name:
            self.check_name(name, node)
        key = const_str(node.slice, self.constants)
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
        if isinstance(func, ast.Call):
            # operator.attrgetter('system')(os)(...) and operator.methodcaller('system', ...)(os).
            for candidate in (name, self.qualified(node)):
                if candidate:
                    self.check_name(candidate, node)
        if isinstance(func, ast.Call) and func.args and self.qualified(func.func) in (
                "operator.attrgetter", "operator.methodcaller") and const_str(func.args[0], self.constants) is None:
            self.check_computed_name(func.args[0], node)
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
        attr = const_str(node.args[1], self.constants)
        target = self.qualified(node.args[0])
        if attr is None:
            self.check_computed_name(node.args[1], node)
            return
        if attr in DUNDER_ESCAPES:
            self.report("AC106", node, attr)
        if attr in DYNAMIC_BUILTINS:
            self.report("AC104", node, "getattr(..., '" + attr + "')")
        if target:
            self.check_name(target + "." + attr, node)
        if self.assembled(node.args[1]):
            self.report("AC107", node, "attribute name assembled from pieces")

    def check_computed_name(self, expr, node):
        """An attribute name the checker cannot work out: opaque (error) when built from literals alone, else a
        warning, since ordinary code looks attributes up by a variable's value."""
        if literal_only(expr):
            self.report("AC107", node, "attribute name assembled from pieces the checker cannot follow")
        else:
            self.report("AC107", node, "attribute name computed at run time", WARNING)

    def assembled(self, expr):
        """Whether a name was put together from pieces, rather than written out (directly or through one variable)."""
        if isinstance(expr, ast.Constant):
            return False
        if isinstance(expr, ast.Name) and expr.id in self.constants:
            return self.constants[expr.id][1]
        return True

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
        checker = Checker(source, tree)
        checker.visit(tree)
        result["findings"] = sorted(checker.findings, key=lambda f: (f["range"], f["rule"]))
        result["capabilities"] = capabilities(tree)  # capabilities.py, loaded before this file
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
