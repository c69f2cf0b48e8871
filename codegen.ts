// Typed documents for clients and for the tests' own operations, from the committed schema.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        importExtension: '.ts',
        scalars: {
          Decimal: 'string',
          CurrencyCode: 'string',
          CountryCode: 'string',
          SafeInt: 'number',
          DateTime: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
