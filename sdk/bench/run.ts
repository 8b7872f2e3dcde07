/**
 * The SDK benchmark: `npm run bench -w @peerlock/sdk` (node --expose-gc dist/bench/run.js).
 * PEERLOCK_BENCH_MIB overrides the file size (default 256).
 */
import { fileURLToPath } from 'node:url';
import { fileBenchmarks } from './file-throughput.js';
import { renderReport, writeSection } from './report.js';

const sizeMiB = Number(process.env.PEERLOCK_BENCH_MIB ?? 256);
if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new RangeError('PEERLOCK_BENCH_MIB: expected a positive integer');

console.log(`miniLock file streaming, ${sizeMiB} MiB per backend, each run in its own process …`);
const results = await fileBenchmarks(sizeMiB);
console.log('key derivation …');
const { derivationBenchmarks } = await import('./derivation.js');
const derivation = await derivationBenchmarks();
console.log('opening a 1 000-message conversation, without and with causal links …');
const { conversationOpenBenchmark, renderConversationReport, CONVERSATION_HEADING } = await import('./conversation-open.js');
const conversation = renderConversationReport(conversationOpenBenchmark());
const report = renderReport(sizeMiB, results, derivation);
console.log(`\n${report}\n${conversation}`);
const target = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url));
await writeSection(target, report);
await writeSection(target, conversation, CONVERSATION_HEADING);
console.log(`written to ${target}`);
