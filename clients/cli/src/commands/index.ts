/** Every command, in the order `peerlock help` lists them. */
import type { Command } from '../command.js';
import { accountCommands } from './account.js';
import { twoFactorCommands } from './two-factor.js';
import { contactCommands } from './contacts.js';
import { messageCommands } from './messages.js';
import { messageActionCommands } from './message-actions.js';
import { fileCommands } from './files.js';
import { linkCommands } from './links.js';
import { archiveCommands } from './archive.js';
import { devCommands } from './dev.js';

export const COMMANDS: readonly Command[] = [...accountCommands, ...twoFactorCommands, ...contactCommands, ...messageCommands, ...messageActionCommands, ...fileCommands, ...linkCommands, ...archiveCommands, ...devCommands];
