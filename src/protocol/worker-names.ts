/**
 * Names the worker provides to a shipped function besides the globals of Node itself:
 * `require` (resolved from the working directory); `__name`, a helper that esbuild-based
 * loaders such as tsx insert into compiled functions; and `__vite_ssr_dynamic_import__`, what
 * Vite (and so Vitest) turns `import()` into. A module of its own: the worker imports it, and
 * must not load the submitting side's parser (acorn) to do so.
 */
export const WORKER_PROVIDED_NAMES = ['require', '__name', '__vite_ssr_dynamic_import__'] as const;
