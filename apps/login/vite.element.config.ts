import { defineConfig } from 'vite';

/** The embeddable <gatehouse-login> element: the same source as the hosted page, one ES module with its CSS inlined. */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../../packages/login-element/dist',
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    lib: { entry: 'src/element.tsx', formats: ['es'], fileName: () => 'gatehouse-login.js' },
  },
});
