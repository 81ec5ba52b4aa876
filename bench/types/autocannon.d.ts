// autocannon ships no types and @types/autocannon is not installed; bench/lib/load.ts wraps it.
declare module 'autocannon';
