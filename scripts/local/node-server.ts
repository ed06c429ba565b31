import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the county API and the built web app on one origin, as CloudFront does in AWS: `/t/...` goes to the
 * API app (the same hono app Lambda runs), everything else to web/dist, with the SPA's index.html as the
 * fallback for client-side routes.
 */
export function startNodeServer(options: {
  app: Hono<never>;
  port: number;
  host: string;
  webDist: string;
  /** The evidence bucket's origin: photos are uploaded to it (connect) and shown from it (img). */
  evidenceOrigin: string;
  /** Origins of the OpenID providers the web signs in at: discovery, token and revocation calls go there. */
  identityOrigins?: string[];
}): Promise<ServerType> {
  const { app, webDist } = options;
  const policy = webAppPolicy(options.evidenceOrigin, options.identityOrigins ?? []);
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/t/') || url.pathname.startsWith('/platform/')) return app.fetch(request);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Not Found', { status: 404 });
    return serveStatic(webDist, url.pathname, policy);
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: options.port, hostname: options.host }, () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * The web app's Content-Security-Policy: scripts only from its own origin (Vite emits no inline script), so an
 * injected <script> or event handler never runs. Inline styles stay allowed (components set colours with style
 * attributes; a style cannot run code). Map tiles come from the tile server a county configures, any https host.
 */
export function webAppPolicy(evidenceOrigin: string, identityOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: https: ${evidenceOrigin}`,
    ['connect-src', "'self'", evidenceOrigin, ...identityOrigins].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function serveStatic(root: string, pathname: string, policy: string): Response {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  const candidate = join(root, relative);
  const file =
    candidate.startsWith(root) && existsSync(candidate) && !candidate.endsWith('/') && !isDirectory(candidate)
      ? candidate
      : join(root, 'index.html');
  if (!existsSync(file)) return new Response('The web app is not built yet.', { status: 503 });
  const extension = file.slice(file.lastIndexOf('.'));
  const immutable = file.includes(`${join(root, 'assets')}`);
  return new Response(readFileSync(file), {
    headers: {
      'content-type': TYPES[extension] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(extension === '.html' ? { 'content-security-policy': policy } : {}),
    },
  });
}

function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}
