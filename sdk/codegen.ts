/**
 * Types every operation in src/client/operations against the committed
 * schema. The output is committed; `npm run generate` rewrites it and
 * test/client/codegen-fresh.unit.test.ts fails when it drifts.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const outDir = process.env.PEERLOCK_CODEGEN_OUT ?? 'src/client/generated/';

const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/client/operations/*.graphql'],
  ignoreNoDocuments: false,
  // NodeNext ESM needs the .js extension on relative imports.
  emitLegacyCommonJSImports: false,
  generates: {
    [outDir]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // The server's custom scalars (api/src/graphql/scalars.ts), as their JSON values arrive.
        scalars: { ByteCount: 'number', Base64: 'string', DateTime: 'string' },
        avoidOptionals: false,
      },
    },
  },
};

export default config;
