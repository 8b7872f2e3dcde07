/**
 * `npm run generate`: prints the Pothos schema to schema/schema.graphql, the
 * committed contract clients are generated from. A test fails when the file
 * and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printedSchema } from '../src/graphql/schema.js';

const target = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));
writeFileSync(target, printedSchema());
console.log(`wrote ${target}`);
