// WGSL sources are imported as text: esbuild (--loader:.wgsl=text) and vitest (vitest.config.ts) both do this.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
