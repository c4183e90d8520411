import { defineConfig } from 'vite';

/**
 * The admin console: one entry, hashed files under /console/assets/, a manifest the server reads
 * to link them (apps/server/src/http/routes/console/assets.ts). React's automatic JSX runtime
 * through Vite's own transformer (no plugin, so the build stays quick on small machines).
 */
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // One bundle for the whole console (React, Mantine, TanStack Query): about 180 KB gzipped.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: 'src/main.tsx',
      // Mantine and TanStack mark their modules "use client" (for React Server Components); a plain SPA ignores it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
