// Test packages for the panel's package installer: builds two tiny pure-Python wheels (agentcode-testpkg, which
// needs agentcode-testdep), a pyodide-lock.json whose entries carry their SHA-256, imports and dependencies, and an
// HTTP server on 127.0.0.1 posing as a Pyodide mirror that records every request it gets. Used by the extension's
// unit tests, the panel's Chromium tests and the end-to-end test.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import yazl from "yazl";

/** A wheel (zip) of `files` (path -> text) with a dist-info for `name` `version`. */
export function buildWheel(name, version, files, requires = []) {
  const dist = `${name.replace(/-/g, "_")}-${version}.dist-info`;
  const all = {
    ...files,
    [`${dist}/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${requires.map((r) => `Requires-Dist: ${r}\n`).join("")}`,
    [`${dist}/WHEEL`]: "Wheel-Version: 1.0\nGenerator: agentcode-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  };
  all[`${dist}/RECORD`] = `${Object.keys(all).map((p) => `${p},,`).join("\n")}\n${dist}/RECORD,,\n`;
  const zip = new yazl.ZipFile();
  const mtime = new Date("2026-01-01T00:00:00Z");
  for (const [p, text] of Object.entries(all)) zip.addBuffer(Buffer.from(text, "utf8"), p, { mtime });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks = [];
    zip.outputStream.on("data", (c) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/**
 * The two test packages: `files` maps wheel file names to bytes; `lock` is a pyodide-lock.json object with their
 * entries (merge `lock.packages` into a real lock to add them to it).
 */
export async function testPackages() {
  const dep = await buildWheel("agentcode-testdep", "1.0", {
    "agentcode_testdep/__init__.py": 'def greeting():\n    return "hello"\n',
  });
  const pkg = await buildWheel(
    "agentcode-testpkg",
    "1.0",
    {
      "agentcode_testpkg/__init__.py":
        'from agentcode_testdep import greeting\n\n\ndef hello(name):\n    return f"{greeting()} {name} from agentcode_testpkg"\n',
    },
    ["agentcode-testdep"],
  );
  const files = new Map([
    ["agentcode_testdep-1.0-py3-none-any.whl", dep],
    ["agentcode_testpkg-1.0-py3-none-any.whl", pkg],
  ]);
  const entry = (name, fileName, imports, depends) => ({
    name,
    version: "1.0",
    file_name: fileName,
    install_dir: "site",
    sha256: sha256(files.get(fileName)),
    package_type: "package",
    imports,
    depends,
  });
  const lock = {
    info: { arch: "wasm32", platform: "emscripten_5_0_3", python: "3.14.2" },
    packages: {
      "agentcode-testdep": entry("agentcode-testdep", "agentcode_testdep-1.0-py3-none-any.whl", ["agentcode_testdep"], []),
      "agentcode-testpkg": entry("agentcode-testpkg", "agentcode_testpkg-1.0-py3-none-any.whl", ["agentcode_testpkg"], ["agentcode-testdep"]),
    },
  };
  return { files, lock };
}

/**
 * An HTTP server on 127.0.0.1 (port from the OS) serving `files` (name -> bytes) at `/pyodide/NAME`, like a
 * mirror of Pyodide's CDN path. `requests` lists every request path; `files` can be changed while it runs.
 */
export async function startMirror(files) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    const name = url.pathname.startsWith("/pyodide/") ? decodeURIComponent(url.pathname.slice("/pyodide/".length)) : "";
    const bytes = files.get(name);
    if (bytes === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bytes.length) });
    res.end(bytes);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/pyodide/`,
    origin: `http://127.0.0.1:${port}`,
    files,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
