/** Python resource files are bundled as text by esbuild. */
declare module "*.py" {
  const source: string;
  export default source;
}

declare module "pyodide/pyodide.asm.mjs" {
  /** Emscripten's module factory; passed to loadPyodide as `createPyodideModule` so Pyodide imports nothing. */
  const createPyodideModule: unknown;
  export default createPyodideModule;
}
