/**
 * This machine's rollback high-water marks (DESIGN T11; sdk/src/client/device-marks.ts),
 * per server and user, in `$XDG_CONFIG_HOME/peerlock/device-marks.json`. Unlike
 * session.json it is kept at logout: a re-login must not accept a pin set, file
 * index or key-log head older than what this machine has already seen. Nothing in
 * it is secret (versions and a signed public tree head), so it is not sealed; it is
 * written 0600 all the same, since it names the accounts used here.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeviceMarks, raiseMarks, type DeviceMarks, type DeviceMarkStore } from '@peerlock/sdk';
import { configDir } from './session-cache.js';

const marksPath = () => join(configDir(), 'device-marks.json');
const keyOf = (server: string, username: string) => `${username} ${server}`;

function readAll(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(marksPath(), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const fileMarkStore: DeviceMarkStore = {
  load(server, username) {
    return parseDeviceMarks(readAll()[keyOf(server, username)]);
  },
  save(server, username, marks: DeviceMarks) {
    const all = readAll();
    const key = keyOf(server, username);
    // Merge with what is on disk: another command may have raised a mark meanwhile, and marks never go down.
    all[key] = raiseMarks(parseDeviceMarks(all[key]) ?? marks, marks);
    mkdirSync(configDir(), { recursive: true, mode: 0o700 });
    const temporary = `${marksPath()}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, marksPath());
  },
};
