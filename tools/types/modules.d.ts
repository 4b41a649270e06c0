// Ambient typings for tool-only packages that ship none.
declare module 'protocol-buffers-schema' {
  const schema: { parse(source: string): unknown; stringify(schema: unknown): string };
  export default schema;
}
declare module 'pbf/compile' {
  export function compileRaw(proto: never, options?: { noRead?: boolean; noWrite?: boolean; legacy?: boolean; dev?: boolean }): string;
}
declare module '@babel/core' {
  export interface TransformOptions {
    babelrc?: boolean; configFile?: boolean; sourceType?: 'script' | 'module'; compact?: boolean; comments?: boolean;
    assumptions?: Record<string, boolean>; plugins?: Array<[string, Record<string, unknown>] | (() => { visitor: Record<string, (path: never) => void> })>;
  }
  export function transformSync(code: string, options: TransformOptions): { code?: string | null } | null;
}
