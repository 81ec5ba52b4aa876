// B2: Hive Gateway in proxy mode in front of the bench's Shopify upstream, as shipped (default
// plugins, no response cache, no JIT). Started by bench/run.ts as
//   hive-gateway proxy --schema <Admin 2025-01 SDL> -c bench/baselines/b2-hive.config.mjs
// The endpoint lives here rather than on the command line because Hive only takes upstream
// headers (Shopify's access token) from the config file's `proxy` entry.
import process from 'node:process';
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  proxy: {
    endpoint: process.env.B2_UPSTREAM_URL,
    headers: { 'x-shopify-access-token': process.env.B2_SHOPIFY_TOKEN ?? '' },
    // Hive merges identical queries that are in flight at the same time into one upstream call (on
    // by default). The bench sends the very same query from every connection, which real traffic
    // does not, so that would let B2 skip most upstream calls (measured: 0.07 calls per request at
    // 16 connections). Off, so B2 makes the same calls as B1 and the gateway; B2_DEDUPE=1 turns it on.
    deduplicateInflightRequests: process.env.B2_DEDUPE === '1',
  },
  // The schema file does not change during a run; poll it rarely.
  pollingInterval: 3_600_000,
  logging: 'warn',
});
