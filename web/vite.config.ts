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
      // Kit sets this Content-Security-Policy on every page it renders, with a nonce for its own inline
      // bootstrap script (hashes on prerendered pages). Express's helmet sets every other security header
      // on pages but leaves CSP to Kit; JSON API answers get helmet's `default-src 'none'` (api/app.ts).
      // The app loads only its own code, styles and images and talks only to its own origin (fetch and the
      // EventSource of /api/events).
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self'],
          // Exactly one inline style attribute: Kit's route announcer (<div id="svelte-announcer" style="position:
          // absolute; …">, rendered by its root component; https://github.com/sveltejs/kit/issues/11993). Only a
          // style attribute with that exact text applies; test/browser/csp.test.ts fails if Kit changes it.
          'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
      csrf: {
        // adapter-node 6 cannot learn the public protocol at run time without extra environment, so
        // Kit's own origin check would reject every form post on plain http (dev, tests). The
        // equivalent check — Origin host must be this host — is done in hooks.server.ts instead.
        trustedOrigins: ['*'],
      },
    }),
  ],
});
