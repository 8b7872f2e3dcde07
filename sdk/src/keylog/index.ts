export * from './errors.js';
export * from './merkle.js';
export * from './leaf.js';
export * from './key-map.js';
export * from './tree-head.js';
export * from './vrf.js';
export * from './signed-note.js';
export * from './witnessing.js';
