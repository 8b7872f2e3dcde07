import { describe, expect, it } from 'vitest';
import { FileSaved, FileShared, InvalidEventDataError, fileEvents } from '../src/index.js';

const F = 'F'.repeat(22);
const share = { fileId: F, owner: 'alice', by: 'alice', recipients: ['bob'], headerBytes: 600 };

describe('file event catalogue (issue 20: attachments under a timer)', () => {
  it('a FileShared stored before timers (version 1) still decodes, unchanged', () => {
    expect(FileShared.version).toBe(2);
    expect(FileShared.decode(share, 1)).toEqual(share);
    expect(() => FileShared.decode({ ...share, expiresAt: '2026-06-01T12:05:00.000Z' }, 1)).toThrow(InvalidEventDataError);
  });

  it('a FileShared may carry when its recipients’ access ends, and destroyWithShare only with it', () => {
    const timed = { ...share, expiresAt: '2026-06-01T12:05:00.000Z' };
    expect(FileShared.create(timed).data).toEqual(timed);
    expect(FileShared.create({ ...timed, destroyWithShare: true }).data).toEqual({ ...timed, destroyWithShare: true });
    expect(FileShared.create(share).data).toEqual(share);
    expect(() => FileShared.create({ ...share, destroyWithShare: true })).toThrow(InvalidEventDataError);
    expect(() => FileShared.create({ ...timed, destroyWithShare: false } as never)).toThrow(InvalidEventDataError);
    expect(() => FileShared.create({ ...share, expiresAt: 'in five minutes' })).toThrow(InvalidEventDataError);
  });

  it('FileSaved names the file, its owner and the holder who keeps it; nothing else', () => {
    const saved = { fileId: F, owner: 'alice', username: 'bob' };
    expect(FileSaved.create(saved).data).toEqual(saved);
    expect(() => FileSaved.create({ ...saved, name: 'plans.pdf' } as never)).toThrow(InvalidEventDataError);
    expect([...fileEvents.types]).toEqual(['FileUploadStarted', 'FileUploaded', 'FileUploadExpired', 'FileShared', 'FileAccessRemoved', 'FileSaved', 'FileDeleted']);
  });
});
