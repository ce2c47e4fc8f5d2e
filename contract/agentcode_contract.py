"""The output contract of AgentCode's two sandboxes, loaded unchanged by both runners (WASI CPython on the server,
Pyodide in the panel): how a program's code is executed (a trailing expression is displayed, as in Jupyter), the
display API (a Jupyter-compatible subset of IPython.display), how a displayed object becomes one output, and how
the files a program wrote under /output become outputs, within the caps of contract.json.

An output is a dict {"mime": ..., "text": ...} or {"mime": ..., "base64": ...}, plus "name" for a file under
/output. Of a MIME bundle, the first type in contract.json's "mimeTypes" order that the bundle carries is kept;
the other representations are dropped. The runners pass the parsed contract.json to configure() before any
program runs and call begin_run() before each program, execute() to run it and collect() once it has ended.
Only the standard library is imported, so the module works (and is snapshotted) in both runtimes."""

import ast
import base64
import builtins
import json
import os
import sys

_config = {}
_outputs = []
_state = {"bytes": 0, "limit": None}


def configure(config):
    """Takes the parsed contract.json; called once per interpreter, before install()."""
    _config.clear()
    _config.update(config)


def _caps():
    return _config["caps"]


def _mime_order():
    return [entry["mime"] for entry in _config["mimeTypes"]]


def _encoding(mime):
    for entry in _config["mimeTypes"]:
        if entry["mime"] == mime:
            return entry["encoding"]
    return None


def begin_run():
    """Forgets the outputs of an earlier run (the panel's interpreter runs many cells)."""
    del _outputs[:]
    _state["bytes"] = 0
    _state["limit"] = None


def _limit(message):
    if _state["limit"] is None:
        _state["limit"] = message


def _size(output):
    """Bytes of an output's content: UTF-8 for text, decoded bytes for base64."""
    if "text" in output:
        return len(output["text"].encode("utf-8", "replace"))
    return len(output["base64"]) * 3 // 4


def _add(output):
    if len(_outputs) >= _caps()["displayCount"]:
        _limit("The program displayed more than %d outputs (the display cap); later ones were dropped."
               % _caps()["displayCount"])
        return
    size = _size(output)
    if _state["bytes"] + size > _caps()["outputBytes"]:
        _limit("The program's outputs came to more than %d MiB (the output size cap); later ones were dropped."
               % (_caps()["outputBytes"] // (1024 * 1024)))
        return
    _state["bytes"] += size
    _outputs.append(output)


# ---------------------------------------------------------------------------------------------------------------
# Turning one representation into an output


def _as_text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    raise TypeError("expected str or bytes, got " + type(value).__name__)


def _as_json_text(value):
    if isinstance(value, (bytes, str)):
        text = _as_text(value)
        json.loads(text)  # refuses text that is not JSON
        return text
    return json.dumps(value, allow_nan=False, default=str)


def _as_base64(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str):  # Jupyter bundles carry images as base64 text already
        compact = "".join(value.split())
        base64.b64decode(compact, validate=True)
        return compact
    raise TypeError("expected bytes or base64 text, got " + type(value).__name__)


def _output(mime, value):
    encoding = _encoding(mime)
    if encoding == "text":
        return {"mime": mime, "text": _as_text(value)}
    if encoding == "json":
        return {"mime": mime, "text": _as_json_text(value)}
    if encoding == "base64":
        return {"mime": mime, "base64": _as_base64(value)}
    return None


def output_of_bundle(bundle):
    """The output for a MIME bundle (dict of MIME type to data): its richest supported type, or None."""
    if not isinstance(bundle, dict):
        raise TypeError("a raw display needs a dict of MIME type to data, got " + type(bundle).__name__)
    problems = []
    for mime in _mime_order():
        if mime in bundle and bundle[mime] is not None:
            try:
                return _output(mime, bundle[mime])
            except (TypeError, ValueError) as error:
                problems.append("%s: %s" % (mime, error))
    if problems:
        raise ValueError("no displayable representation (" + "; ".join(problems) + ")")
    return None


_REPR_METHODS = (
    ("_repr_html_", "text/html"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_json_", "application/json"),
)


def _call_repr(method, *args):
    value = method(*args)
    if isinstance(value, tuple) and len(value) == 2:  # (data, metadata), as IPython allows
        value = value[0]
    return value


def bundle_of(obj, include=None, exclude=None):
    """The MIME bundle of an object, the way Jupyter formats it: _repr_mimebundle_, then the _repr_*_ methods,
    with text/plain from repr()."""
    bundle = {}
    method = getattr(type(obj), "_repr_mimebundle_", None)
    if callable(method):
        value = _call_repr(getattr(obj, "_repr_mimebundle_"), include, exclude)
        if isinstance(value, dict):
            bundle.update(value)
    for name, mime in _REPR_METHODS:
        if mime in bundle or not callable(getattr(type(obj), name, None)):
            continue
        value = _call_repr(getattr(obj, name))
        if value is not None:
            bundle[mime] = value
    bundle.setdefault("text/plain", repr(obj))
    if include:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


# ---------------------------------------------------------------------------------------------------------------
# The display API: a compatible subset of IPython.display


def display(*objs, raw=False, include=None, exclude=None, metadata=None, **kwargs):
    """Shows each object as one output, as IPython.display.display does (raw=True takes MIME bundles)."""
    for obj in objs:
        if obj is None and not raw:
            continue
        bundle = obj if raw else bundle_of(obj, include, exclude)
        output = output_of_bundle(bundle)
        if output is not None:
            _add(output)


class DisplayObject:
    """Base of the display classes: data given directly or read from a file (URLs need the network: refused)."""

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if url is not None or (isinstance(data, str) and data.startswith(("http://", "https://"))):
            raise ValueError(type(self).__name__ + ": the sandbox has no network, so a URL cannot be shown; "
                             "pass the data itself, or a file under /data.")
        if filename is not None:
            with open(filename, "rb" if self._binary else "r") as handle:
                data = handle.read()
        self.data = data
        self.metadata = metadata

    _binary = False

    def __repr__(self):
        return "<%s object>" % type(self).__name__


class HTML(DisplayObject):
    def _repr_html_(self):
        return _as_text(self.data or "")


class Markdown(DisplayObject):
    def _repr_markdown_(self):
        return _as_text(self.data or "")


class SVG(DisplayObject):
    _binary = True

    def _repr_svg_(self):
        return _as_text(self.data or b"")


class JSON(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, expanded=False, metadata=None, root="root", **kwargs):
        super().__init__(data, url, filename, metadata)
        if isinstance(self.data, (str, bytes)):
            self.data = json.loads(_as_text(self.data))

    def _repr_json_(self):
        return self.data


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Image(DisplayObject):
    """A PNG image from bytes or a file; the panel and the server show PNG (and SVG through SVG)."""

    _binary = True

    def __init__(self, data=None, url=None, filename=None, format=None, embed=None, width=None, height=None,
                 retina=False, unconfined=False, metadata=None, alt=None):
        if isinstance(data, str) and not data.startswith(("http://", "https://")) and filename is None:
            filename, data = data, None
        super().__init__(data, url, filename, metadata)
        if not isinstance(self.data, bytes) or not self.data.startswith(_PNG_SIGNATURE):
            raise ValueError("Image: only PNG images can be shown here (use SVG(...) for SVG); "
                             "got " + ("other bytes" if isinstance(self.data, bytes) else type(self.data).__name__))

    def _repr_png_(self):
        return self.data


def install():
    """Makes display() a builtin and `IPython.display` importable, so Jupyter code runs unchanged."""
    module = type(sys)("IPython.display")
    names = {"display": display, "DisplayObject": DisplayObject, "HTML": HTML, "Markdown": Markdown, "SVG": SVG,
             "Image": Image, "JSON": JSON}
    module.__dict__.update(names)
    module.__all__ = sorted(names)
    package = type(sys)("IPython")
    package.__path__ = []
    package.display = module
    package.__dict__["get_ipython"] = lambda: None
    sys.modules["IPython"] = package
    sys.modules["IPython.display"] = module
    builtins.display = display


# ---------------------------------------------------------------------------------------------------------------
# Running a program


_CO_COROUTINE = 0x0080  # inspect.CO_COROUTINE, without importing inspect


def execute(source, filename, namespace):
    """Runs a program as a notebook cell does: statements in order, then the value of a trailing expression is
    displayed (unless it is None). Top-level await is allowed, as in Jupyter: a program that uses it is not run
    here but returned as a coroutine for the runner to drive (run_coroutine() on the server, Pyodide's event loop
    in the panel); otherwise None is returned. Exceptions propagate to the runner."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = ast.parse(source, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval", flags=flags, dont_inherit=True)
    body = compile(tree, filename, "exec", flags=flags, dont_inherit=True)
    if (body.co_flags | (last.co_flags if last else 0)) & _CO_COROUTINE:
        return _execute_async(body, last, namespace)
    exec(body, namespace)
    if last is not None:
        value = eval(last, namespace)
        if value is not None:
            display(value)
    return None


async def _execute_async(body, last, namespace):
    result = eval(body, namespace)
    if result is not None:
        await result
    if last is not None:
        value = eval(last, namespace)
        if last.co_flags & _CO_COROUTINE:
            value = await value
        if value is not None:
            display(value)


def run_coroutine(coroutine):
    """Drives a coroutine to its end where asyncio's own loop cannot run (WASI has no socketpair for its wake-up
    pipe): a loop whose only waiting is sleeping until the next timer, since there is nothing else to wait for."""
    import asyncio
    import time

    class _SleepSelector:
        def select(self, timeout=None):
            if timeout is None:
                raise RuntimeError("the program awaits something that never happens here (there is no network and "
                                   "there are no threads)")
            if timeout > 0:
                time.sleep(timeout)
            return []

        def close(self):
            pass

    class _SleepLoop(asyncio.BaseEventLoop):
        def __init__(self):
            super().__init__()
            self._selector = _SleepSelector()

        def _process_events(self, event_list):
            pass

        def _write_to_self(self):
            pass

    loop = _SleepLoop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coroutine)
    finally:
        asyncio.set_event_loop(None)
        loop.close()


# ---------------------------------------------------------------------------------------------------------------
# Files under /output


def _file_mime(name):
    lower = name.lower()
    best = None
    for suffix, mime in _config["fileTypes"].items():
        if lower.endswith(suffix) and (best is None or len(suffix) > len(best[0])):
            best = (suffix, mime)
    return best[1] if best else _config["otherFileMime"]


def _file_output(name, content):
    mime = _file_mime(name)
    try:
        output = _output(mime, content)
    except (TypeError, ValueError):
        output = None  # not the text or JSON its name claims: kept as plain bytes
    if output is None:
        output = {"mime": _config["otherFileMime"], "base64": base64.b64encode(content).decode("ascii")}
    output["name"] = name
    return output


def _flush_figures(output_dir):
    """Saves open matplotlib figures (where matplotlib is installed) as PNG files, as Jupyter's inline backend does."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        pyplot.figure(number).savefig(os.path.join(output_dir, "figure-%d.png" % number))
    pyplot.close("all")


def _files(output_dir):
    """Regular files under output_dir, as sorted relative paths; links and other kinds are skipped."""
    found = []
    for root, dirs, files in os.walk(output_dir, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            found.append(os.path.relpath(full, output_dir).replace(os.sep, "/"))
    return found


def collect(output_dir):
    """The run's outputs: what was displayed, in order, then each file under output_dir (sorted by path).
    Returns {"outputs": [...], "limit": None or a sentence naming the cap that was passed}."""
    try:
        _flush_figures(output_dir)
    except Exception as error:  # noqa: BLE001 - a figure that cannot be saved must not hide the others
        sys.stderr.write("Could not save a matplotlib figure: %s\n" % error)
    caps = _caps()
    outputs = list(_outputs)
    names = _files(output_dir) if os.path.isdir(output_dir) else []
    if len(names) > caps["outputFiles"]:
        _limit("The program wrote %d files under %s, more than the file cap of %d files; the first ones are shown."
               % (len(names), _config["outputDir"], caps["outputFiles"]))
        names = names[:caps["outputFiles"]]
    total = _state["bytes"]
    for name in names:
        full = os.path.join(output_dir, name)
        size = os.path.getsize(full)
        if total + size > caps["outputBytes"]:
            _limit("The program wrote more than %d MiB under %s (the output size cap)."
                   % (caps["outputBytes"] // (1024 * 1024), _config["outputDir"]))
            break
        with open(full, "rb") as handle:
            content = handle.read(caps["outputBytes"] + 1)
        total += len(content)
        outputs.append(_file_output(name, content))
    return {"outputs": outputs, "limit": _state["limit"]}


def prepare_output_dir(output_dir):
    """Empties output_dir (creating it), so each run starts with a fresh /output."""
    if os.path.isdir(output_dir):
        for root, dirs, files in os.walk(output_dir, topdown=False):
            for name in files:
                os.remove(os.path.join(root, name))
            for name in dirs:
                full = os.path.join(root, name)
                if os.path.islink(full):
                    os.remove(full)
                else:
                    os.rmdir(full)
    else:
        os.makedirs(output_dir)


def describe():
    """What this runtime offers, for the capability card and the test that holds the card to the runtimes."""
    display_module = sys.modules.get("IPython.display")
    return {
        "python": "%d.%d" % sys.version_info[:2],
        "display": sorted(name for name in _config["displayApi"] if display_module and hasattr(display_module, name)),
        "builtinDisplay": getattr(builtins, "display", None) is display,
        "mimeTypes": _mime_order(),
        "dataDir": _config["dataDir"],
        "outputDir": _config["outputDir"],
        "caps": dict(_caps()),
    }
