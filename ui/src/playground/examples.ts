import gatewayExamples from './gateway.examples.graphql?raw';

/** One examples file: a tab of named operations. */
export interface ExampleFile {
  /** `Gateway` or the provider's id, e.g. `shopify`. */
  name: string;
  document: string;
  operations: string[];
}

/**
 * Each provider keeps its example operations beside its code
 * (src/datasources/<provider>/<provider>.examples.graphql): adding a provider adds its tab here with
 * no edit to the playground. tests/playground-examples.test.ts validates them against the schema.
 */
const providerFiles = import.meta.glob<string>('../../../src/datasources/*/*.examples.graphql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const operationsOf = (document: string) =>
  [...document.matchAll(/^\s*(?:query|mutation|subscription)\s+(\w+)/gm)].map((match) => match[1]!);

export const exampleFiles: ExampleFile[] = [
  { name: 'Gateway', document: gatewayExamples, operations: operationsOf(gatewayExamples) },
  ...Object.entries(providerFiles)
    .map(([path, document]) => ({
      name: /([\w-]+)\.examples\.graphql$/.exec(path)?.[1] ?? path,
      document,
      operations: operationsOf(document),
    }))
    .sort((a, b) => a.name.localeCompare(b.name)),
];
