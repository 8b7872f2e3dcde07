#!/usr/bin/env node
// The `peerlock-minilock` command. npm links a package's bins when it installs the
// workspace, before `prepare` has built dist/, and skips a bin whose file does not
// exist yet: this small file always exists, so `npx --no peerlock-minilock` finds it
// after `npm install` on a fresh clone (and never falls through to the registry).
import '../dist/bin/peerlock-minilock.js';
