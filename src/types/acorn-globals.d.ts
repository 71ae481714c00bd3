// acorn-globals ships no types; this is the part of its API this project uses.
declare module 'acorn-globals' {
  interface GlobalReference {
    name: string;
    nodes: Array<{ start: number; end: number; type: string }>;
  }
  function findGlobals(source: string, options?: Record<string, unknown>): GlobalReference[];
  export default findGlobals;
}
