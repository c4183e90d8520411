import { defineConfig } from 'vite';

/**
 * The hosted login page: one entry, hashed files under /login/assets/, a manifest the server
 * reads to link them (apps/server/src/http/routes/login-ui/assets.ts). Preact keeps the first
 * screen small (the bundle-size test asserts < 60 KB of JS + CSS compressed).
 */
export default defineConfig({
  base: '/login/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    rollupOptions: { input: 'src/main.tsx' },
  },
});
