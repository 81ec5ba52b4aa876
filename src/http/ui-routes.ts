import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** Where `npm install` / `npm start` (ui/build.mjs) put the console and the playground. */
export const UI_DIST = path.resolve(__dirname, '../../ui/dist');

export interface UiOptions {
  /** Serve the playground to browsers asking for GET /graphql. */
  playground: boolean;
}

/**
 * The browser pages: the console at `/`, its bundled assets under `/ui/`, and the playground for a
 * browser's GET /graphql. API clients asking /graphql for JSON fall through to GraphQL.
 */
export function uiRouter(options: UiOptions): Router {
  const router = express.Router();
  const sendPage = (file: string) => (_req: express.Request, res: express.Response) => {
    const page = path.join(UI_DIST, file);
    if (!fs.existsSync(page)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build:ui` (npm install and npm start do it).');
      return;
    }
    // The page is small and names hashed assets: always revalidate it, cache the assets for good.
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  };
  router.get('/', sendPage('index.html'));
  router.use(
    '/ui/assets',
    express.static(path.join(UI_DIST, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  if (options.playground) {
    router.get('/graphql', (req, res, next) => {
      if (req.accepts(['application/json', 'text/html']) === 'text/html' && !req.query.query) {
        sendPage('playground.html')(req, res);
      } else next();
    });
  }
  return router;
}

/** On outside production unless PLAYGROUND says otherwise. */
export function playgroundEnabled(config: { NODE_ENV: string; PLAYGROUND?: 'true' | 'false' | undefined }) {
  return config.PLAYGROUND ? config.PLAYGROUND === 'true' : config.NODE_ENV !== 'production';
}
