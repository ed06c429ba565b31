import { defineConfig, type Plugin } from 'vite';

/**
 * Writes shell-manifest.json: every file of the build the service worker must pre-cache so the app opens with
 * no network. The hashed names are only known once the bundle is written, hence a plugin rather than a list.
 */
function shellManifest(): Plugin {
  return {
    name: 'gridsafe-shell-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => name !== 'sw.js' && !name.endsWith('.map'))
        .map((name) => `/${name}`);
      this.emitFile({
        type: 'asset',
        fileName: 'shell-manifest.json',
        source: `${JSON.stringify(files, null, 1)}\n`,
      });
    },
  };
}

export default defineConfig({
  // Absolute asset paths: the app's routes are /<county>/..., so relative paths would break on deep links.
  base: '/',
  plugins: [shellManifest()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      input: { main: 'index.html', sw: 'src/sw.ts' },
      output: {
        // The service worker must keep a fixed name at the site root to control every path.
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
