# The facts check.py's rules rest on: the module and call tables of each rule, the messages and severities by rule
# id, source positions in UTF-16 columns, dotted names, and constant folding of literals (so that a name built from
# strings, "o" + "s", is seen as the module it names). PythonChecker loads it before capabilities.py and check.py,
# which both use these helpers.
import ast

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
