/**
 * Rollback high-water marks (DESIGN §1 T11, §5, §6): the newest versions of
 * a user's server-kept sealed state that THIS DEVICE has seen. The server
 * keeps the pin set, the file index and the key log; it could serve an
 * older pin set (a contact not yet verified, an old key), an older file
 * index or a smaller key-log head after a re-login, and each would open and
 * verify. Only a mark the device keeps for itself can refuse that, so the
 * marks are per device and per user, and outlive logout and login.
 *
 * The marks are not secret (versions and a signed public tree head); they
 * must only not go backwards. Where a device keeps them is the caller's
 * choice (`DeviceMarkStore`): the CLI in its config directory, the web
 * client in the browser's localStorage, a library user wherever it likes.
 */
import { TREE_HEAD_RECORD_VERSION, type TreeHeadRecord } from '../keylog/tree-head.js';

export interface DeviceMarks {
  /** The newest sealed pin-set version this device opened or stored. */
  readonly pinSetVersion: number;
  /** The length of the longest sealed file-index log this device read or appended to (files/file-index.ts). */
  readonly fileIndexVersion: number;
  /** The largest key-log tree head this device verified. */
  readonly treeHead?: TreeHeadRecord;
}

/** Where a device keeps its marks, per server and user. Must survive logout. */
export interface DeviceMarkStore {
  load(server: string, username: string): DeviceMarks | undefined;
  save(server: string, username: string, marks: DeviceMarks): void;
}

export const NO_MARKS: DeviceMarks = Object.freeze({ pinSetVersion: 0, fileIndexVersion: 0 });

/** Each mark only ever goes up; a tree head is replaced only by a larger one. */
export function raiseMarks(current: DeviceMarks, seen: Partial<DeviceMarks>): DeviceMarks {
  const treeHead = seen.treeHead && (!current.treeHead || seen.treeHead.treeSize > current.treeHead.treeSize) ? seen.treeHead : current.treeHead;
  return {
    pinSetVersion: Math.max(current.pinSetVersion, seen.pinSetVersion ?? 0),
    fileIndexVersion: Math.max(current.fileIndexVersion, seen.fileIndexVersion ?? 0),
    ...(treeHead ? { treeHead } : {}),
  };
}

/** Checks a stored value's shape; anything odd is no marks at all (`undefined`), never a crash. */
export function parseDeviceMarks(value: unknown): DeviceMarks | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pinSetVersion, fileIndexVersion, treeHead } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pinSetVersion) || (pinSetVersion as number) < 0) return undefined;
  if (!Number.isSafeInteger(fileIndexVersion) || (fileIndexVersion as number) < 0) return undefined;
  let head: TreeHeadRecord | undefined;
  if (treeHead !== undefined) {
    const { version, treeSize, timestamp, rootHash, signature } = (treeHead ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(treeSize) || typeof timestamp !== 'string' || typeof rootHash !== 'string' || typeof signature !== 'string') return undefined;
    // A head of an earlier log (no version, or 2) is of another tree: dropped, the other marks kept.
    if (version === TREE_HEAD_RECORD_VERSION) head = { version, treeSize: treeSize as number, timestamp, rootHash, signature };
  }
  return { pinSetVersion: pinSetVersion as number, fileIndexVersion: fileIndexVersion as number, ...(head ? { treeHead: head } : {}) };
}

/**
 * Marks kept in this process's memory: they survive logout and login on
 * the same client, not a restart. The default when the caller gives no store.
 */
export class MemoryMarkStore implements DeviceMarkStore {
  private readonly marks = new Map<string, DeviceMarks>();
  load(server: string, username: string): DeviceMarks | undefined {
    return this.marks.get(`${server}\n${username}`);
  }
  save(server: string, username: string, marks: DeviceMarks): void {
    this.marks.set(`${server}\n${username}`, marks);
  }
}
