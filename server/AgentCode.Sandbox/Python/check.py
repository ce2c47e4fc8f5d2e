# Checks a Python program inside the sandbox: CPython's own parser for syntax errors, then an AST policy
# analysis whose findings are advisory (the sandbox is the security boundary, not this file). The program arrives
# on stdin; one JSON document goes to stdout. Ranges are 0-based with UTF-16 columns (the LSP convention).
# Rule ids are stable and documented in docs/rules.md.
# The tables and helpers the rules use are in check_support.py, loaded before this file.
import ast
import sys


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
