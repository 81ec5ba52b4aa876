import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * The browser side of the gateway: the console (`/`) and the playground (`GET /graphql`), built into
 * `ui/dist` and served by the gateway. Everything is bundled from npm: the pages load nothing from
 * another origin, so they work with no internet.
 */
export default defineConfig({
  root: here('.'),
  base: '/ui/',
  // JSX through Vite's own transformer (oxc): no Babel plugin is needed without hot reload.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: { console: here('./index.html'), playground: here('./playground.html') },
      onwarn(warning, warn) {
        // GraphiQL's dependencies mark React Server Component entry points; a browser bundle has none.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
