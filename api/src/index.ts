/** The server as a library: tests, benchmarks and other hosts build and start it in-process. */
export { buildApp, type BuildOptions, type PeerlockApp } from './app.js';
export { loadConfig, describeConfig, ConfigError, type AppConfig, type Mode, type StoreKind } from './config.js';
