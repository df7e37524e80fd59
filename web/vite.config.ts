// SvelteKit 3 takes its configuration here (svelte.config.js is no longer read).
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      // Express (api/app.ts) mounts build/handler.js after the API routes: one process, one port.
      // WEB_BUILD_DIR builds elsewhere (a test of `npm start` from no build), with Kit's own working
      // directory beside it so it never shares web/.svelte-kit with a build running at the same time.
      adapter: adapter({ out: process.env.WEB_BUILD_DIR ?? 'build', precompress: false }),
      ...(process.env.WEB_BUILD_DIR ? { outDir: `${process.env.WEB_BUILD_DIR}.kit` } : {}),
      csrf: {
        // adapter-node 6 cannot learn the public protocol at run time without extra environment, so
        // Kit's own origin check would reject every form post on plain http (dev, tests). The
        // equivalent check — Origin host must be this host — is done in hooks.server.ts instead.
        trustedOrigins: ['*'],
      },
    }),
  ],
});
