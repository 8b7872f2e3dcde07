/**
 * The composition root (STYLE.md §10): buildApp(config) wires stores, keys,
 * services, the GraphQL schema and the plugins, and returns start/stop.
 * Nothing listens and nothing is opened until start().
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { RecordedEvent } from '@peerlock/schema';
import {
  ProjectionRunner,
  type Projection,
  filesProjection,
  linksProjection,
} from '@peerlock/projections';
import { keyLogSecretsOf, MESSAGING_READ_MODELS, readModels as allReadModels } from './read-models.js';
import type { AppConfig } from './config.js';
import { AccountCommands } from './accounts/account-commands.js';
import { sweepErasedDataKeys } from './accounts/account-deletion.js';
import { DirectoryQueries } from './accounts/directory-queries.js';
import { PersonalDataVault } from './accounts/personal-data.js';
import { StateSealer } from './auth/sealed-state.js';
import { loadServerSecrets } from './auth/server-secrets.js';
import { ServerKeys } from './auth/server-keys.js';
import { TokenIssuer } from './auth/token-issuer.js';
import { buildSchema } from './graphql/schema.js';
import { serveGraphQLOverWebSocket, type WebSocketViewer } from './graphql/websocket.js';
import { Admission, refuseOverloaded } from './ratelimit/admission.js';
import type { GraphQLContext } from './graphql/builder.js';
import { maskError, useErrorCodes } from './plugins/use-error-codes.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { boundedParserCache } from './plugins/parse-cache.js';
import { useProductionHardening } from './plugins/use-production-hardening.js';
import { requestIdOf, useRequestId } from './plugins/use-request-id.js';
import { useTokenAuth } from './plugins/use-token-auth.js';
import { RateLimiter } from './ratelimit/rate-limiter.js';
import type { Services } from './services.js';
import { createLogger, type Logger } from './logger.js';
import { openStores, type Stores } from './storage/open-stores.js';
import { RECONNECT_BACKOFF } from './storage/postgres-pool.js';
import { retryingLoopLogger, untilAvailable } from './storage/storage-faults.js';
import { OneTimeCodes } from './twofactor/one-time-codes.js';
import { ReadYourWrites } from './storage/read-your-writes.js';
import { ContactCommands } from './contacts/contact-commands.js';
import { ConversationCommands } from './conversations/conversation-commands.js';
import { ConversationQueries } from './conversations/conversation-queries.js';
import { MessageExpiry } from './conversations/message-expiry.js';
import { PinSets } from './pins/pin-sets.js';
import { FileIndexes } from './files/file-indexes.js';
import { NotificationHub } from './notifications/notification-hub.js';
import { KeyLogQueries } from './keylog/key-log-queries.js';
import { WitnessCosignatures } from './keylog/witness-cosignatures.js';
import { parseVerifierKey } from '@peerlock/sdk';
import { SharedLogFeed } from './eventstore/shared-log-feed.js';
import type { BlobStore } from './blobstore/blob-store.js';
import { openBlobStore } from './blobstore/open-blob-store.js';
import { FileCommands } from './files/file-commands.js';
import { handleFileRequest, isFileRequest } from './files/file-http.js';
import { clientAddressOf, clientAddressOfRequest } from './ratelimit/client-address.js';
import { createStaticWebApp, isApiPath } from './web/static-web-app.js';
import { LinkCommands } from './links/link-commands.js';
import { handleLinkRequest, isLinkRequest } from './links/link-http.js';
import { LinkSweep } from './links/link-sweep.js';

export interface BuildOptions {
  /** The clock; tests move it to expire challenges and step TOTP. Default Date.now. */
  readonly now?: () => number;
}

export interface PeerlockApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The GraphQL endpoint, once started. */
  readonly url: string;
  /** For tests and benchmarks: the services behind the resolvers. */
  readonly services: Services;
  /** The one server log (main.ts writes the start-up and stop lines to it). */
  readonly log: Logger;
  /**
   * For tests: the node's message-expiry sweep, now, at the app clock's time
   * (after any sweep under way); resolves with the ciphertext rows purged.
   */
  sweepMessagesNow(): Promise<number>;
  /** For tests: the node's link sweep (files of ended destroyFileWithLink links), now, at the app clock's time; resolves with the links settled. */
  sweepLinksNow(): Promise<number>;
}

interface ServerContext {
  req: IncomingMessage;
}

export function buildApp(config: AppConfig, options: BuildOptions = {}): PeerlockApp {
  const now = options.now ?? Date.now;
  let stores: Stores | undefined;
  let services: Services | undefined;
  let server: Server | undefined;
  let runners: ProjectionRunner<unknown>[] = [];
  let url: string | undefined;
  let stopWebSocket: (() => Promise<void>) | undefined;
  let hub: NotificationHub | undefined;
  let feed: SharedLogFeed | undefined;
  let blobs: BlobStore | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let messageExpiry: MessageExpiry | undefined;
  let sweeping: Promise<void> | undefined;
  let linkSweep: LinkSweep | undefined;
  // The one server log (PEERLOCK_LOG_LEVEL, PEERLOCK_LOG_FORMAT): Yoga's lines, the stores', the loops' and start-up's.
  const log = createLogger(config.logLevel, config.logFormat);

  const clientAddress = (request: Request, req: IncomingMessage | undefined): string =>
    clientAddressOf(config.trustProxy, request.headers.get('x-forwarded-for'), req?.socket.remoteAddress);

  async function start(): Promise<void> {
    if (server) return;
    const secrets = loadServerSecrets(config);
    // A database that is down or restarting is waited for (one line per attempt), not a reason to exit.
    stores = await untilAvailable('opening the stores', () => openStores(config, log), { log: log.warn });
    const readModels = stores.readModels;
    const keys = new ServerKeys(secrets);
    const vault = new PersonalDataVault(stores.auth);
    // The background loops retry by themselves while the database is away, quickly (RECONNECT_BACKOFF), logging one line per fault.
    const retry = { retryDelayMs: RECONNECT_BACKOFF.initialMs, maxRetryDelayMs: RECONNECT_BACKOFF.maxMs };
    // One reader of the log for all of this process's consumers (see shared-log-feed.ts).
    const source = new SharedLogFeed(stores.events, { ...retry, onError: retryingLoopLogger('log feed', log.warn, log.error) });
    feed = source;
    const runner = <Doc, E extends RecordedEvent>(projection: Projection<Doc, E>) =>
      new ProjectionRunner({ source, store: readModels, projection, ...retry, onError: retryingLoopLogger(`projection ${projection.name}`, log.warn, log.error) }) as unknown as ProjectionRunner<unknown>;
    // One runner per read model (read-models.ts); signup and rotation catch them all up before answering.
    const projections = allReadModels(keyLogSecretsOf(keys));
    runners = projections.map((projection) => runner(projection));
    const runnerOf = (projection: { name: string }) => runners.find((r) => r.name === projection.name)!;
    const messagingRunners = MESSAGING_READ_MODELS.map(runnerOf);
    const filesRunner = runnerOf(filesProjection);
    const linksRunner = runnerOf(linksProjection);
    blobs = await openBlobStore(config);
    const messagingReads = new ReadYourWrites(messagingRunners);
    const contacts = new ContactCommands(stores.events, stores.readModels, messagingReads);
    // A FILE_SHARED recipient downloads at once: the files read model must hold the share too.
    const filesReads = new ReadYourWrites([filesRunner]);
    const notifications = new NotificationHub(
      source,
      stores.readModels,
      async (position) => {
        await messagingReads.upTo(position);
        await filesReads.upTo(position);
      },
      retryingLoopLogger('notification hub', log.warn, log.error),
    );
    hub = notifications;
    const catchUp = async () => {
      for (const r of runners) await r.catchUp();
    };
    const witnesses = config.witnesses.map(parseVerifierKey);
    const keyLog = new KeyLogQueries(
      stores.readModels,
      (size, timestamp, root) => keys.signTreeHead(size, timestamp, root),
      keys,
      { origin: keys.keyLogNoteKey.name, sign: (text) => keys.signCheckpoint(text) },
      witnesses,
    );
    const svc: Services = {
      config,
      now,
      keys,
      sealer: new StateSealer(secrets.rootKey),
      eventStore: stores.events,
      authStore: stores.auth,
      tokens: new TokenIssuer(stores.auth, keys, config),
      rateLimiter: new RateLimiter(stores.auth, config.rateLimits, secrets.rootKey),
      codes: new OneTimeCodes(secrets.rootKey),
      vault,
      accounts: new AccountCommands(stores.events, catchUp),
      directory: new DirectoryQueries(stores.readModels, vault),
      keyLog,
      witnessCosignatures: new WitnessCosignatures(stores.events, keyLog, witnesses, catchUp),
      ciphertexts: stores.ciphertexts,
      contacts,
      conversations: new ConversationCommands(stores.events, stores.ciphertexts, contacts, messagingReads, stores.readModels, stores.snapshots, log.warn),
      conversationQueries: new ConversationQueries(stores.readModels),
      pinSets: new PinSets(stores.events),
      fileIndexes: new FileIndexes(stores.events),
      notifications,
      blobs,
      files: new FileCommands(stores.events, stores.readModels, blobs, contacts, filesReads, config.files),
      links: undefined as unknown as LinkCommands,
    };
    const sealer = svc.sealer;
    // A link's owner sees its state at once (links query); a destroyed file is gone from the files read model too.
    (svc as { links: LinkCommands }).links = new LinkCommands(stores.events, stores.readModels, blobs, svc.files, sealer, svc.rateLimiter, new ReadYourWrites([linksRunner, filesRunner]));
    services = svc;
    // Each step may be repeated: the database may go away again while we start.
    // Every read model's table exists before anything reads it (and one built by another version stops the start).
    await untilAvailable('preparing the read models', () => Promise.all(projections.map((p) => readModels.prepare(p))), { log: log.warn });
    const files = svc.files;
    // Every node sweeps; the decider makes a second expiry of the same upload a no-op.
    const sweepEvery = Math.min(60_000, (config.files.uploadTimeoutSeconds * 1000) / 4);
    const sweepFailed = retryingLoopLogger('upload expiry sweep', log.warn, log.error);
    expiryTimer = setInterval(() => void files.expireDue(now()).catch(sweepFailed), sweepEvery);
    expiryTimer.unref();
    // Disappearing and deleted messages (issue 20): every node sweeps; a message stored here wakes it for its expiry.
    const expiry = new MessageExpiry(stores.ciphertexts, svc.conversations, now, retryingLoopLogger('message expiry sweep', log.warn, log.error));
    svc.conversations.onExpiryScheduled((expiresAt) => expiry.wake(expiresAt));
    messageExpiry = expiry;
    // Secure links: every node sweeps the files of ended destroyFileWithLink links; a second sweep of one is a no-op.
    linkSweep = new LinkSweep(svc.links, now, retryingLoopLogger('link sweep', log.warn, log.error));

    const production = config.mode === 'production';
    // GraphiQL's bundle costs ~30 MiB of heap (its source kept as strings): load it only when the page is first asked for, in dev mode.
    const renderGraphiQL = production
      ? undefined
      : async (options?: Parameters<typeof import('@graphql-yoga/render-graphiql').renderGraphiQL>[0]) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options);
    const yoga: YogaServerInstance<ServerContext, GraphQLContext> = createYoga<ServerContext, GraphQLContext>({
      schema: buildSchema(),
      graphqlEndpoint: '/graphql',
      graphiql: !production,
      // The bundled GraphiQL: the page loads nothing from a CDN.
      ...(renderGraphiQL ? { renderGraphiQL } : {}),
      landingPage: false,
      batching: false,
      // Bounded by memory, not by entries (issue 14): see plugins/parse-cache.ts.
      parserAndValidationCache: boundedParserCache(),
      cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins, credentials: false, methods: ['POST', 'GET'] } : false,
      maskedErrors: { maskError },
      logging: log,
      context: (initial) => {
        const { ws } = initial as { ws?: WebSocketViewer };
        if (ws) return { services: svc, requestId: ws.requestId, clientAddress: ws.clientAddress, connectionId: ws.connectionId } as unknown as GraphQLContext;
        return { services: svc, requestId: requestIdOf(initial.request), clientAddress: clientAddress(initial.request, initial.req) } as unknown as GraphQLContext;
      },
      plugins: [
        useRequestId(),
        useProductionHardening({ production, https: config.tls !== null || config.trustProxy }),
        useOperationLimits(config.limits, { exemptIntrospection: !production }),
        useErrorCodes({ production }),
        useTokenAuth(svc.tokens, now),
      ],
    });

    const linkHttp = { links: svc.links, now, corsOrigins: config.corsOrigins, logError: log.error };
    const fileHttp = { files: svc.files, tokens: svc.tokens, now, corsOrigins: config.corsOrigins, logError: log.error };
    const webApp = createStaticWebApp({ root: config.webRoot, https: config.tls !== null || config.trustProxy });
    const admission = new Admission(config.limits.maxInFlight);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      if (isFileRequest(req)) void handleFileRequest(req, res, fileHttp);
      else if (isLinkRequest(req)) void handleLinkRequest(req, res, linkHttp);
      else if (isApiPath(req.url)) {
        if (!admission.tryEnter()) return refuseOverloaded(res);
        res.once('close', () => admission.leave());
        void yoga(req, res);
      }
      // The built web client, from this origin (so its CSP can be 'self' only).
      else void webApp(req, res).catch(() => res.destroy());
    };
    const headAtStart = await untilAvailable('reading the log head', () => stores!.events.headPosition(), { log: log.warn });
    await untilAvailable('following the log', () => source.start(), { log: log.warn });
    await untilAvailable('starting notifications', () => notifications.start(), { log: log.warn });
    server = config.tls ? createHttpsServer({ cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) }, handler) : createHttpServer(handler);
    // Slow-loris bounds: a client must send its headers and body promptly.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    stopWebSocket = serveGraphQLOverWebSocket(server, yoga, svc.tokens, now, config.limits.maxBodyBytes, (req) => clientAddressOfRequest(config.trustProxy, req), (user, session, onEnd) =>
      notifications.bindToSession(user, session, onEnd), admission, config.limits.maxOperationsPerConnection,
    );
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(config.port, config.host, () => resolve());
    });
    const { port } = s.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    url = `${config.tls ? 'https' : 'http'}://${host}:${port}/graphql`;
    // The read models catch up in their runners' live loops (issue 15: after a bulk import a start
    // waited 235 s for them), started once the server listens, so that a backlog does not slow the
    // set-up down (their batches take turns with everything else). The start then waits for them a
    // little, so an ordinary restart answers with them current; a long way behind, it returns at once
    // (a writer still reads its own writes: read-your-writes waits for its position) and says so.
    for (const r of runners) r.start();
    const caughtUp = Promise.all(runners.map((r) => r.reached(headAtStart)));
    const inTime = await Promise.race([caughtUp.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), config.limits.startCatchUpWaitMs).unref())]);
    if (!inTime) {
      const behind = await Promise.all(runners.map(async (r) => (await r.lag()).behind));
      log.warn(`read models up to ${behind.reduce((a, b) => (a > b ? a : b), 0n)} events behind the log: serving now, catching up in the background`);
    }
    // The sweeps read the read models: they finish what an interrupted deletion or upload left, once those are current.
    const auth = stores.auth;
    sweeping = caughtUp.then(async () => {
      // It reads the read models (as of each conversation's state): from when they are current.
      if (server) expiry.start();
      if (server) linkSweep?.start();
      const swept = await untilAvailable('sweeping erased data keys', () => sweepErasedDataKeys(readModels, auth), { log: log.warn });
      if (swept > 0) log.warn(`destroyed ${swept} data key(s) of deleted accounts left by an interrupted deletion`);
      const ended = await untilAvailable('sweeping deleted accounts', () => svc.contacts.sweepDeletedAccounts(now), { log: log.warn });
      if (ended > 0) log.warn(`ended ${ended} contact(s) or request(s) of deleted accounts left by an interrupted deletion`);
      const orphans = await untilAvailable('sweeping orphaned files', () => svc.files.sweepOrphans(), { log: log.warn });
      if (orphans > 0) log.warn(`deleted the blobs of ${orphans} file(s) left by an interrupted deletion or upload`);
      if (!inTime) log.warn('read models caught up with the log');
    });
    if (inTime) await sweeping;
    else
      sweeping.catch((error: unknown) => {
        // A stop while they ran closed the stores under them: not worth a word.
        if (server) log.error('start-up sweeps failed; they run again at the next start', error);
      });
  }

  async function stop(): Promise<void> {
    const s = server;
    server = undefined;
    await stopWebSocket?.();
    stopWebSocket = undefined;
    if (s) {
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
    clearInterval(expiryTimer);
    expiryTimer = undefined;
    // Before the runners: a sweep waits for them to fold its own appends.
    await messageExpiry?.stop();
    messageExpiry = undefined;
    await linkSweep?.stop();
    linkSweep = undefined;
    await hub?.stop();
    hub = undefined;
    // Each runner finishes at most the batch it is committing (checkpoints are durable: the next start resumes).
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
    sweeping = undefined;
    await feed?.stop();
    feed = undefined;
    await stores?.close();
    stores = undefined;
    await blobs?.close();
    blobs = undefined;
  }

  return {
    start,
    stop,
    log,
    get url() {
      if (!url) throw new Error('not started');
      return url;
    },
    get services() {
      if (!services) throw new Error('not started');
      return services;
    },
    sweepMessagesNow() {
      if (!messageExpiry) return Promise.reject(new Error('not started'));
      return messageExpiry.sweepNow();
    },
    sweepLinksNow() {
      if (!linkSweep) return Promise.reject(new Error('not started'));
      return linkSweep.sweepNow();
    },
  };
}
