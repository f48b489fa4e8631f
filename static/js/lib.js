// The vendored libraries are classic scripts (static/vendor): they define globals.
// Modules import them from here so that the dependency is explicit.
export const d3 = globalThis.d3;
export const dagre = globalThis.dagre;
