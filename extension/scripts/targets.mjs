// The platforms AgentCode ships a .vsix for: the vsce target (VS Code's `${process.platform}-${process.arch}`), the
// .NET runtime identifier the server is published for, the server executable's name, and what its native binaries
// look like (object format and CPU), which verify-vsix.mjs checks. One table for package.mjs and verify-vsix.mjs.

/** @type {Record<string, {rid: string, os: "linux" | "darwin" | "win32", arch: "x64" | "arm64", executable: string, wasmtime: string}>} */
export const targets = {
  "linux-x64": { rid: "linux-x64", os: "linux", arch: "x64", executable: "agentcode", wasmtime: "libwasmtime.so" },
  "linux-arm64": { rid: "linux-arm64", os: "linux", arch: "arm64", executable: "agentcode", wasmtime: "libwasmtime.so" },
  "darwin-x64": { rid: "osx-x64", os: "darwin", arch: "x64", executable: "agentcode", wasmtime: "libwasmtime.dylib" },
  "darwin-arm64": { rid: "osx-arm64", os: "darwin", arch: "arm64", executable: "agentcode", wasmtime: "libwasmtime.dylib" },
  "win32-x64": { rid: "win-x64", os: "win32", arch: "x64", executable: "agentcode.exe", wasmtime: "wasmtime.dll" },
  "win32-arm64": { rid: "win-arm64", os: "win32", arch: "arm64", executable: "agentcode.exe", wasmtime: "wasmtime.dll" },
};

/** This machine's target, or undefined when AgentCode has no package for it. */
export function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return t in targets ? t : undefined;
}
