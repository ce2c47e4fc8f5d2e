/** Python resource files are bundled as text by esbuild. */
declare module "*.py" {
  const source: string;
  export default source;
}
