"""Runs one panel cell inside Pyodide on the output contract shared with the server sandbox
(contract/agentcode_contract.py, loaded by install_contract before any cell runs): mounts data files read-only at
/data, starts each cell with a fresh /output, executes the code as "<cell>" (a trailing expression is displayed),
collects what was displayed and written under /output, and formats tracebacks without Pyodide-internal frames.
Returns a JSON string shaped like WorkerRunResult (without elapsedMs). Importing a package of Pyodide's
distribution that is not installed for the panel raises a ModuleNotFoundError saying so and how to install it,
instead of a bare "No module named" or a download attempt."""

import json
import linecache
import os
import sys
import traceback

CELL_FILE = "<cell>"
CONTRACT_FILE = "/lib/agentcode_contract.py"
# The file name this module was compiled with (it is run with runPython, so there is no __file__).
_RUNNER_FILE = (lambda: None).__code__.co_filename
_contract = None


def install_contract(source, config_json):
    """Loads the shared output contract as the module agentcode_contract and installs its display API."""
    global _contract
    module = type(sys)("agentcode_contract")
    module.__file__ = CONTRACT_FILE
    exec(compile(source, CONTRACT_FILE, "exec"), module.__dict__)
    module.configure(json.loads(config_json))
    module.install()
    sys.modules["agentcode_contract"] = module
    _contract = module


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
            f"can be imported here. Rewrite the code without '{top}' (charts: display a Vega-Lite spec), "
            f"or run it where '{top}' is installed. To use it here, install it with 'AgentCode: Install Python "
            f"Packages for the Panel…' (needs the setting agentcode.pyodide.packageSource).",
            name=fullname,
        )


def install_package_guard(names_json):
    """names_json: JSON list of the import names of Pyodide's packages that are not installed for the panel."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _UnavailablePackageFinder)]
    sys.meta_path.append(_UnavailablePackageFinder(json.loads(names_json)))


def _data_dir():
    return _contract._config["dataDir"]


def _output_dir():
    return _contract._config["outputDir"]


def mount_data(files):
    """files: list of (name, bytes). Written, then made read-only (files 0o444, directory 0o555)."""
    data_dir = _data_dir()
    os.makedirs(data_dir, exist_ok=True)
    os.chmod(data_dir, 0o755)
    for name in os.listdir(data_dir):
        full = os.path.join(data_dir, name)
        os.chmod(full, 0o644)
        os.remove(full)
    for name, content in files:
        full = os.path.join(data_dir, name)
        with open(full, "wb") as handle:
            handle.write(bytes(content))
        os.chmod(full, 0o444)
    os.chmod(data_dir, 0o555)


def _is_internal(filename):
    return (
        "/_pyodide/" in filename
        or "/pyodide/" in filename
        or filename in (_RUNNER_FILE, CONTRACT_FILE)
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


async def run_cell(code):
    output_dir = _output_dir()
    _contract.prepare_output_dir(output_dir)
    _contract.begin_run()
    os.environ.setdefault("MPLBACKEND", "Agg")
    linecache.cache[CELL_FILE] = (len(code), None, code.splitlines(True), CELL_FILE)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    result = {"status": "ok", "error": None, "outputs": [], "outputLimit": None}
    try:
        pending = _contract.execute(code, CELL_FILE, namespace)
        if pending is not None:  # top-level await runs on Pyodide's own event loop, as in JupyterLite
            await pending
    except SystemExit as exc:
        if exc.code not in (None, 0):
            result["status"] = "error"
            result["error"] = _clean_traceback(exc)
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt is a cell error too
        result["status"] = "error"
        result["error"] = _clean_traceback(exc)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    try:
        collected = _contract.collect(output_dir)
        result["outputs"] = collected["outputs"]
        result["outputLimit"] = collected["limit"]
    except Exception as exc:  # noqa: BLE001 - a broken /output must not hide the cell's own result
        sys.stderr.write(f"The outputs could not be collected: {exc}\n")
        sys.stderr.flush()
    return json.dumps(result)
