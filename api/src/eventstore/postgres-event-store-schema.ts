import type pg from 'pg';
import { inDdlTransaction } from '../storage/postgres-ddl.js';

/** NOTIFY channel shared by every schema; the payload names the schema whose log grew. */
export const NOTIFY_CHANNEL = 'peerlock_events';

/**
 * First key of the two-key advisory lock that serializes appends to one schema (the
 * second is hashtext(schema)). Two-key advisory locks live apart from one-key ones,
 * so this cannot collide with the DDL lock; the constant is "PLOG" in ASCII.
 */
export const APPEND_LOCK_CLASS = 0x504c4f47;

/**
 * Versioned DDL for one PostgreSQL schema, applied in order at start under an
 * advisory lock so that many server processes starting together migrate once.
 * Released migrations are never edited; changes come as new entries.
 */
export function migrations(schema: string): readonly string[] {
  return [
    `CREATE TABLE ${schema}.events (
       global_position bigint PRIMARY KEY,
       event_id uuid NOT NULL UNIQUE,
       stream_name text NOT NULL,
       stream_revision bigint NOT NULL,
       event_type text NOT NULL,
       schema_version integer NOT NULL,
       -- json, not jsonb: keeps the text exactly as written (key order, \\u0000) and costs no re-encoding.
       data json NOT NULL,
       actor text,
       correlation_id text NOT NULL,
       causation_id text,
       occurred_at timestamptz NOT NULL,
       UNIQUE (stream_name, stream_revision)
     );`,
    appendFunction(schema),
  ];
}

/**
 * Appends a group of independent appends (a group commit: one transaction, one
 * WAL flush, one notification) to distinct streams. It first takes the schema's
 * append lock, a transaction-level advisory lock held until commit: appenders
 * take turns, so each reads the head after the previous one's commit is visible,
 * and positions become visible in the order they are handed out
 * (docs/eventstore.md). Every check runs after the lock, so it races nobody.
 * The work is set-based (one revision lookup, one insert, whatever the group's
 * size); only the bookkeeping loops. Each append gets its own outcome:
 *   ok       → revision and position of its last event
 *   conflict → revision holds the stream's actual last revision (-1: no stream)
 * An event id that is already stored fails the whole call with a unique
 * violation on events_event_id_key; the client then sorts out, outside the lock,
 * whether that was a retry (answered with the original result) or a collision.
 * Keeping that lookup off the locked path is what keeps appends cheap.
 *
 * p_event_appends and p_event_indexes give, for each event, its append (1-based)
 * and its place in that append (1-based).
 */
function appendFunction(schema: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.append_events(
      p_streams text[], p_expected text[], p_counts integer[],
      p_ids uuid[], p_types text[], p_versions integer[], p_data text[],
      p_actors text[], p_correlations text[], p_causations text[], p_occurred timestamptz[],
      p_event_appends integer[], p_event_indexes integer[])
    RETURNS TABLE (outcome text, revision bigint, global_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_head bigint;
      v_current bigint[];
      v_ok boolean[];
      v_offset bigint[];
      v_next bigint;
      v_appends integer := coalesce(array_length(p_streams, 1), 0);
    BEGIN
      PERFORM pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext('${schema}'));
      -- A new statement, so a new snapshot (READ COMMITTED): it sees the commit of whoever held the lock before.
      -- ORDER BY ... LIMIT 1 rather than max(): a backward index step whatever the statistics say.
      IF v_appends = 1 THEN
        -- A lone append, the common case: the same steps without the group bookkeeping, which costs more than it saves here.
        SELECT coalesce((SELECT e.global_position FROM ${schema}.events e ORDER BY e.global_position DESC LIMIT 1), 0),
               coalesce((SELECT e.stream_revision FROM ${schema}.events e WHERE e.stream_name = p_streams[1] ORDER BY e.stream_revision DESC LIMIT 1), -1)
          INTO v_head, v_next;
        -- Assigned first: inside IF, PL/pgSQL would end the condition at the CASE's first THEN.
        v_ok[1] := CASE p_expected[1] WHEN 'any' THEN true WHEN 'noStream' THEN v_next = -1 WHEN 'exists' THEN v_next >= 0 ELSE v_next = p_expected[1]::bigint END;
        IF v_ok[1] THEN
          INSERT INTO ${schema}.events (global_position, event_id, stream_name, stream_revision, event_type, schema_version, data, actor, correlation_id, causation_id, occurred_at)
          SELECT v_head + t.idx, t.id, p_streams[1], v_next + t.idx, t.type, t.version, t.data::json, t.actor, t.correlation, t.causation, t.occurred
            FROM unnest(p_ids, p_types, p_versions, p_data, p_actors, p_correlations, p_causations, p_occurred, p_event_indexes)
                 AS t(id, type, version, data, actor, correlation, causation, occurred, idx);
          PERFORM pg_notify('${NOTIFY_CHANNEL}', '${schema}');
          outcome := 'ok'; revision := v_next + p_counts[1]; global_position := v_head + p_counts[1];
        ELSE
          outcome := 'conflict'; revision := v_next; global_position := NULL;
        END IF;
        RETURN NEXT;
        RETURN;
      END IF;
      SELECT coalesce((SELECT e.global_position FROM ${schema}.events e ORDER BY e.global_position DESC LIMIT 1), 0),
             (SELECT array_agg(coalesce((SELECT e.stream_revision FROM ${schema}.events e WHERE e.stream_name = a.stream ORDER BY e.stream_revision DESC LIMIT 1), -1) ORDER BY a.ord)
                FROM unnest(p_streams) WITH ORDINALITY AS a(stream, ord))
        INTO v_head, v_current;
      v_next := v_head;
      FOR i IN 1 .. v_appends LOOP
        v_ok[i] := CASE p_expected[i]
                     WHEN 'any' THEN true
                     WHEN 'noStream' THEN v_current[i] = -1
                     WHEN 'exists' THEN v_current[i] >= 0
                     ELSE v_current[i] = p_expected[i]::bigint
                   END;
        v_offset[i] := v_next - v_head;
        IF v_ok[i] THEN
          v_next := v_next + p_counts[i];
        END IF;
      END LOOP;
      IF v_next > v_head THEN
        INSERT INTO ${schema}.events (global_position, event_id, stream_name, stream_revision, event_type, schema_version, data, actor, correlation_id, causation_id, occurred_at)
        SELECT v_head + v_offset[t.app] + t.idx, t.id, p_streams[t.app], v_current[t.app] + t.idx, t.type, t.version, t.data::json, t.actor, t.correlation, t.causation, t.occurred
          FROM unnest(p_ids, p_types, p_versions, p_data, p_actors, p_correlations, p_causations, p_occurred, p_event_appends, p_event_indexes)
               AS t(id, type, version, data, actor, correlation, causation, occurred, app, idx)
         WHERE v_ok[t.app];
        -- Delivered at commit, in commit order, to every listening process.
        PERFORM pg_notify('${NOTIFY_CHANNEL}', '${schema}');
      END IF;
      FOR i IN 1 .. v_appends LOOP
        IF v_ok[i] THEN
          outcome := 'ok'; revision := v_current[i] + p_counts[i]; global_position := v_head + v_offset[i] + p_counts[i];
        ELSE
          outcome := 'conflict'; revision := v_current[i]; global_position := NULL;
        END IF;
        RETURN NEXT;
      END LOOP;
    END
    $fn$;`;
}

export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  // The same lock as every store's DDL (storage/postgres-ddl.ts): one schema, one migrator at a time.
  await inDdlTransaction(pool, schema, async (client) => {
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.event_store_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${schema}.event_store_migrations`);
    const applied = rows[0]?.version ?? 0;
    const pending = migrations(schema).slice(applied);
    for (const [index, sql] of pending.entries()) {
      await client.query(sql);
      await client.query(`INSERT INTO ${schema}.event_store_migrations (version) VALUES ($1)`, [applied + index + 1]);
    }
  });
}
