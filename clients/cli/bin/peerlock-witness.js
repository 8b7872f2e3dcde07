#!/usr/bin/env node
// The `peerlock-witness` command (see bin/peerlock.js for why this small file exists).
import '../dist/witness/main.js';
