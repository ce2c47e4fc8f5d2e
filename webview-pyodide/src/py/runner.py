"""Runs one panel cell inside Pyodide: mounts data files read-only at /data, executes the code as
"<cell>", evaluates a trailing expression for its repr (and _repr_html_), collects PNG/SVG files written
to /output (and open matplotlib figures), and formats tracebacks without Pyodide-internal frames.
Returns a JSON string shaped like WorkerRunResult (without elapsedMs). Importing a package of Pyodide's
distribution that the offline panel does not ship raises a ModuleNotFoundError saying so, instead of a bare
"No module named" or a download attempt."""

import ast
import base64
import json
import linecache
import os
import sys
import traceback

CELL_FILE = "<cell>"
DATA_DIR = "/data"
OUTPUT_DIR = "/output"
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
# The file name this module was compiled with (it is run with runPython, so there is no __file__).
_RUNNER_FILE = (lambda: None).__code__.co_filename


def _clear_dir(path):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o755)
    for name in os.listdir(path):
        full = os.path.join(path, name)
        os.chmod(full, 0o644)
        os.remove(full)


class _UnavailablePackageFinder:
    """Last entry of sys.meta_path: reached only when no other finder found the module, so everything that
    is installed imports normally; a name from Pyodide's package list gets an explanation instead."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top not in self.names:
            return None
        raise ModuleNotFoundError(
            f"The package '{top}' is not available in the offline panel; only the Python standard library "
            f"can be imported here. Rewrite the code without '{top}', or run it where '{top}' is installed.",
            name=fullname,
        )


def install_package_guard(names_json):
    """names_json: JSON list of the import names of Pyodide's packages that are not shipped with the panel."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _UnavailablePackageFinder)]
    sys.meta_path.append(_UnavailablePackageFinder(json.loads(names_json)))


def mount_data(files):
    """files: list of (name, bytes). Written, then made read-only (files 0o444, directory 0o555)."""
    _clear_dir(DATA_DIR)
    for name, content in files:
        full = os.path.join(DATA_DIR, name)
        with open(full, "wb") as handle:
            handle.write(bytes(content))
        os.chmod(full, 0o444)
    os.chmod(DATA_DIR, 0o555)


def _is_internal(filename):
    return (
        "/_pyodide/" in filename
        or "/pyodide/" in filename
        or filename == _RUNNER_FILE
        or filename.startswith("<frozen importlib")
    )


def _clean_traceback(exc):
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != CELL_FILE:
        tb = tb.tb_next
    summary = traceback.TracebackException(type(exc), exc, tb)
    summary.stack = traceback.StackSummary.from_list(
        [frame for frame in summary.stack if not _is_internal(frame.filename)]
    )
    return "".join(summary.format())


def _collect_images():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        for number in pyplot.get_fignums():
            pyplot.figure(number).savefig(os.path.join(OUTPUT_DIR, f"figure-{number}.png"))
        pyplot.close("all")
    images = []
    for name in sorted(os.listdir(OUTPUT_DIR)):
        mime = _IMAGE_TYPES.get(os.path.splitext(name)[1].lower())
        if mime is None:
            continue
        with open(os.path.join(OUTPUT_DIR, name), "rb") as handle:
            images.append({"name": name, "mime": mime, "base64": base64.b64encode(handle.read()).decode("ascii")})
    return images


def run_cell(code):
    _clear_dir(OUTPUT_DIR)
    os.environ.setdefault("MPLBACKEND", "Agg")
    linecache.cache[CELL_FILE] = (len(code), None, code.splitlines(True), CELL_FILE)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    result = {"status": "ok", "repr": None, "html": None, "error": None, "images": []}
    try:
        tree = ast.parse(code, CELL_FILE, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, CELL_FILE, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, CELL_FILE, "eval"), namespace)
            if value is not None:
                result["repr"] = repr(value)
                to_html = getattr(value, "_repr_html_", None)
                if callable(to_html):
                    html = to_html()
                    if isinstance(html, str):
                        result["html"] = html
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are cell errors too
        result["status"] = "error"
        result["error"] = _clean_traceback(exc)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        result["images"] = _collect_images()
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write(f"Could not collect images: {exc}\n")
        sys.stderr.flush()
    return json.dumps(result)
