#!/usr/bin/env node
// The `peerlock` command. npm links a package's bins when it installs the workspace,
// before `prepare` has built dist/, and skips a bin whose file does not exist yet:
// this small file always exists, so the link is made on a fresh clone.
import '../dist/main.js';
