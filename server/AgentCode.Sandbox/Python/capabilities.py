# What a program will touch, read from its AST before it runs: the /data files it names (just /data when a name is
# only known at run time), whether it names a path
# under /output (where a run's files are written), and the top-level modules it imports. The panel shows this as one
# line above the code ("Reads /data/sales.csv · writes /output · imports csv, json"). Like the findings it is
# advisory: paths built at run time are not seen. PythonChecker loads this file after check_support.py, whose
# helpers (const_str, leading_text, constant_names) it uses, and before check.py.
import ast

DATA_DIR = "/data"
# Calls that make a path from their arguments: Path('/data', 'x.csv'), os.path.join('/data', name).
PATH_MAKERS = {"Path", "PurePath", "PosixPath", "PurePosixPath", "join"}
MAX_READS = 50


def path_value(node, names, paths):
    """The constant path an expression names ('/data/x.csv', Path('/data') / 'x.csv', os.path.join('/data', 'x'),
    a name bound once to one of those), or None when it is only known at run time."""
    text = const_str(node, names)
    if text is not None:
        return text
    if isinstance(node, ast.Name):
        return paths.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = path_value(node.left, names, paths), path_value(node.right, names, paths)
        return None if left is None or right is None else left.rstrip("/") + "/" + right.lstrip("/")
    if isinstance(node, ast.Call) and node.args and not node.keywords:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in PATH_MAKERS:
            parts = [path_value(a, names, paths) for a in node.args]
            if any(p is None for p in parts):
                return None
            path = parts[0]
            for part in parts[1:]:
                path = part if part.startswith("/") else path.rstrip("/") + "/" + part
            return path
    return None


def under(path, folder):
    return path == folder or (path.startswith(folder + "/") and ".." not in path.split("/"))


def add_read(reads, path):
    """Adds a path under /data, once; '/data/' + name (known only at run time) counts as '/data'."""
    if path is None:
        return
    path = path.rstrip("/") or "/"
    if under(path, DATA_DIR) and path not in reads and len(reads) < MAX_READS:
        reads.append(path)


def capabilities(tree):
    """The program's capability summary: {"reads": [/data paths], "writesOutput": bool, "imports": [modules]}."""
    names = constant_names(tree)
    paths = {}
    reads, imports = [], set()
    writes_output = False
    # Names bound to a path (DATA = Path('/data')) are known to the expressions after them, in source order.
    nodes = sorted((n for n in ast.walk(tree) if hasattr(n, "lineno")), key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        if isinstance(node, ast.Import):
            imports.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imports.add(node.module.split(".")[0])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = path_value(node.value, names, paths)
            if value is not None:
                paths[node.targets[0].id] = value
        if isinstance(node, ast.Call):
            for arg in list(node.args) + [kw.value for kw in node.keywords]:
                add_read(reads, path_value(arg, names, paths))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            add_read(reads, node.value)  # a path in a list or a loop: ['/data/a.csv', '/data/b.csv']
        if isinstance(node, (ast.Call, ast.BinOp, ast.Constant, ast.JoinedStr)):
            text = leading_text(node) if not isinstance(node, ast.Call) else None
            value = path_value(node, names, paths)
            if any(t is not None and under(t.rstrip("/") or "/", "/output") for t in (text, value)):
                writes_output = True
    # A folder named on the way to a file (DATA = Path('/data')) is not a read of its own.
    reads = [r for r in reads if not any(o != r and o.startswith(r.rstrip("/") + "/") for o in reads)]
    return {"reads": reads, "writesOutput": writes_output, "imports": sorted(imports)}
