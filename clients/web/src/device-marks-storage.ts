/**
 * This browser's rollback high-water marks (DESIGN T11; sdk/src/client/device-marks.ts)
 * in localStorage, per server and user, so that a re-login, a reload or a new tab
 * never accepts a pin set, file index or key-log head older than what this browser
 * has already seen. They are the only thing the web client keeps beyond the page:
 * versions and a signed public tree head, nothing secret (keys, tokens and
 * plaintext stay in memory). Without localStorage (disabled, private mode quota)
 * they fall back to the page's memory, which still covers logout and login.
 */
import { MemoryMarkStore, parseDeviceMarks, raiseMarks, type DeviceMarks, type DeviceMarkStore } from '@peerlock/sdk';

const PREFIX = 'peerlock.device-marks.';

export function browserMarkStore(storage: Storage | undefined = globalThis.localStorage): DeviceMarkStore {
  const memory = new MemoryMarkStore();
  const keyOf = (server: string, username: string) => `${PREFIX}${username} ${server}`;
  const stored = (key: string): DeviceMarks | undefined => {
    try {
      const text = storage?.getItem(key);
      return text ? parseDeviceMarks(JSON.parse(text)) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    load(server, username) {
      const fromStorage = stored(keyOf(server, username));
      const fromMemory = memory.load(server, username);
      return fromStorage && fromMemory ? raiseMarks(fromStorage, fromMemory) : (fromStorage ?? fromMemory);
    },
    save(server, username, marks) {
      memory.save(server, username, marks);
      const key = keyOf(server, username);
      const before = stored(key);
      try {
        storage?.setItem(key, JSON.stringify(before ? raiseMarks(before, marks) : marks));
      } catch {
        // Quota or disabled storage: the memory copy still guards this page.
      }
    },
  };
}
