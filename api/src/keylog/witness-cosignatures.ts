/**
 * The server's side of witnessing (DESIGN §6, T13; docs/key-transparency.md):
 * a configured witness hands in its cosignature/v1 line for a checkpoint of
 * this log; the server checks it against its own checkpoint of that size and
 * records it (KeyLogCosigned), and KeyLogQueries serves it with that head.
 * No token: a witness is known by its key, and a line that does not verify
 * under a configured witness's key is refused before anything is written.
 */
import { keyLogWitnessEvents, keyLogWitnessStreamName } from '@peerlock/schema';
import { bytesToBase64, bytesToHex, formatVerifierKey, isFrom, MalformedNoteError, parseCheckpoint, parseSignatureLine, signatureBytes, verifyNoteSignature, type NoteKey } from '@peerlock/sdk';
import { badInput, PeerlockError } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate, type ExecuteContext } from '../aggregates/stream-aggregate.js';
import type { KeyLogQueries } from './key-log-queries.js';
import { witnessDecider, type RecordCosignature, type WitnessDomainEvent, type WitnessState } from './witness-decider.js';

/** A signature line is ~130 characters; anything far longer is not one. */
const MAX_LINE = 1024;

export class WitnessCosignatures {
  private readonly streams: StreamAggregate<RecordCosignature, WitnessDomainEvent, WitnessState>;

  constructor(
    store: EventStore,
    private readonly keyLog: KeyLogQueries,
    private readonly witnesses: readonly NoteKey[],
    /** Waits until the read models have folded what was just appended, so the next head served carries it. */
    private readonly catchUp: () => Promise<void>,
  ) {
    this.streams = new StreamAggregate(store, keyLogWitnessEvents, witnessDecider, { cacheSize: 64, lastEventIsState: true });
  }

  /** Records `cosignature` (one note signature line) for the checkpoint of `treeSize`; returns the witness's name. */
  async submit(treeSize: unknown, cosignature: unknown, context: ExecuteContext): Promise<string> {
    if (typeof cosignature !== 'string' || cosignature.length > MAX_LINE) throw badInput('cosignature');
    let line;
    try {
      line = parseSignatureLine(cosignature);
    } catch (error) {
      if (error instanceof MalformedNoteError) throw badInput('cosignature');
      throw error;
    }
    const witness = this.witnesses.find((w) => isFrom(line, w));
    if (!witness) throw new PeerlockError('FORBIDDEN');
    if (typeof treeSize !== 'number') throw badInput('treeSize');
    const text = await this.keyLog.checkpointText(treeSize);
    let valid: boolean;
    try {
      valid = verifyNoteSignature(text, line, witness);
    } catch (error) {
      if (error instanceof MalformedNoteError) throw badInput('cosignature');
      throw error;
    }
    if (!valid) throw badInput('cosignature');
    const result = await this.streams.execute(
      keyLogWitnessStreamName(bytesToHex(witness.publicKey)),
      () => ({
        type: 'RecordCosignature',
        witness: formatVerifierKey(witness),
        treeSize,
        rootHash: Buffer.from(parseCheckpoint(text).rootHash).toString('base64'),
        signature: bytesToBase64(signatureBytes(line)),
      }),
      context,
    );
    if (result.position !== null) await this.catchUp();
    return witness.name;
  }
}
