/**
 * A stand-in for Elasticsearch that answers start-up (ping, product check, index exists, mapping)
 * and never answers a bulk request: a sink whose flush cannot finish, to hold a graceful stop.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESULT_INDEX_MAPPING } from '../../src/streams/sinks/elasticsearch.js';

export interface StallingEs {
  url: string;
  bulkRequests: () => number;
  close: () => Promise<void>;
}

export async function startStallingEs(index: string): Promise<StallingEs> {
  let bulks = 0;
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const headers = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.endsWith('/_bulk')) {
      bulks++;
      held.push(res);
      return;
    }
    if (path === '/') {
      res.writeHead(200, headers);
      res.end(
        req.method === 'HEAD'
          ? undefined
          : JSON.stringify({
              name: 'stall',
              cluster_name: 'stall',
              version: { number: '7.17.29', build_flavor: 'default' },
              tagline: 'You Know, for Search',
            }),
      );
      return;
    }
    if (path === `/${index}`) {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    if (path === `/${index}/_mapping`) {
      res.writeHead(200, headers);
      res.end(JSON.stringify({ [index]: { mappings: RESULT_INDEX_MAPPING } }));
      return;
    }
    res.writeHead(404, headers);
    res.end(JSON.stringify({ error: { type: 'not_found', reason: path }, status: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bulkRequests: () => bulks,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
