// Ambient typings for tool-only packages that ship none.
declare module 'protocol-buffers-schema' {
  const schema: { parse(source: string): unknown; stringify(schema: unknown): string };
  export default schema;
}
declare module 'pbf/compile' {
  export function compileRaw(proto: never, options?: { noRead?: boolean; noWrite?: boolean; legacy?: boolean; dev?: boolean }): string;
}
