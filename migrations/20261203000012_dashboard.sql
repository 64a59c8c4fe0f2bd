-- The dashboard and the live layer: KPI settings, each order's first contact kept on the order
-- (written by the attempt that makes it, in its transaction), the indexes the KPI queries range
-- over, and the notifications that tell every app instance what changed (ids and kinds only).

-- One row: the speed-to-call deadline (minutes of business time) and the rankings' minimum volume.
CREATE TABLE dashboard_settings (
    id                    boolean     NOT NULL DEFAULT true,
    speed_to_call_minutes integer     NOT NULL DEFAULT 15,
    ranking_min_volume    integer     NOT NULL DEFAULT 10,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dashboard_settings_pkey PRIMARY KEY (id),
    CONSTRAINT dashboard_settings_single CHECK (id),
    CONSTRAINT dashboard_settings_deadline_check CHECK (speed_to_call_minutes BETWEEN 1 AND 1440),
    CONSTRAINT dashboard_settings_volume_check CHECK (ranking_min_volume BETWEEN 1 AND 100000)
);
INSERT INTO dashboard_settings (id) VALUES (true);

-- The first attempt an agent made on the order (a customer's own answer is not one).
ALTER TABLE orders ADD COLUMN first_attempt_at timestamptz;
UPDATE orders o SET first_attempt_at = f.at
FROM (SELECT order_id, min(created_at) AS at FROM confirmation_attempts WHERE agent_id IS NOT NULL GROUP BY order_id) f
WHERE f.order_id = o.id;

-- orders received over a period (the series, response times)
CREATE INDEX orders_created_idx ON orders (created_at);
-- orders closed over a period (outcomes, the confirmation rate)
CREATE INDEX orders_closed_idx ON orders (closed_at) WHERE closed_at IS NOT NULL;
-- open orders never called (past the speed-to-call deadline)
CREATE INDEX orders_uncalled_idx ON orders (created_at) WHERE closed_at IS NULL AND attempts_count = 0;
-- customers' answers to messages over a period (satisfaction)
CREATE INDEX message_events_replies_idx ON message_events (received_at) WHERE status LIKE 'reply:%';
-- flags over a period (satisfaction: refusals)
CREATE INDEX customer_flags_created_idx ON customer_flags (created_at);

-- Live updates: one notification per statement on channel ecocs_live, carrying ids and kinds
-- only (never a name or a phone). For orders, each changed row as [id, agent now, agent before]
-- (up to 100 rows; a bigger statement sends only the agents concerned), and only rows whose
-- visible state changed (status, agent, version, next contact, duplicate hold): a routing run
-- that only rewrites reasons says nothing.
CREATE FUNCTION live_orders_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    rows jsonb;
    agents jsonb;
BEGIN
    SELECT count(*),
           jsonb_agg(jsonb_build_array(id, assigned_agent_id, NULL) ORDER BY id),
           coalesce(jsonb_agg(DISTINCT assigned_agent_id) FILTER (WHERE assigned_agent_id IS NOT NULL), '[]')
      INTO n, rows, agents
      FROM new_rows;
    IF n > 0 THEN
        PERFORM pg_notify('ecocs_live', jsonb_build_object('k', 'orders', 'n', n, 'agents', agents,
                                                          'rows', CASE WHEN n <= 100 THEN rows END)::text);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION live_orders_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    rows jsonb;
    agents jsonb;
BEGIN
    WITH changed AS (
        SELECT nw.id, nw.assigned_agent_id AS now_agent, od.assigned_agent_id AS was_agent
        FROM new_rows nw JOIN old_rows od ON od.id = nw.id
        WHERE nw.status IS DISTINCT FROM od.status
           OR nw.assigned_agent_id IS DISTINCT FROM od.assigned_agent_id
           OR nw.version IS DISTINCT FROM od.version
           OR nw.next_contact_at IS DISTINCT FROM od.next_contact_at
           OR nw.is_duplicate IS DISTINCT FROM od.is_duplicate
           OR nw.closed_at IS DISTINCT FROM od.closed_at
    )
    SELECT (SELECT count(*) FROM changed),
           (SELECT jsonb_agg(jsonb_build_array(id, now_agent, was_agent) ORDER BY id) FROM changed),
           (SELECT coalesce(jsonb_agg(DISTINCT a), '[]') FROM changed, LATERAL (VALUES (now_agent), (was_agent)) v(a)
             WHERE a IS NOT NULL)
      INTO n, rows, agents;
    IF n > 0 THEN
        PERFORM pg_notify('ecocs_live', jsonb_build_object('k', 'orders', 'n', n, 'agents', agents,
                                                          'rows', CASE WHEN n <= 100 THEN rows END)::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_live_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION live_orders_inserted();
CREATE TRIGGER orders_live_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION live_orders_updated();

-- Status configuration and the duplicate review queue: the kind alone.
CREATE FUNCTION live_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ecocs_live', jsonb_build_object('k', TG_ARGV[0])::text);
    RETURN NULL;
END $$;

CREATE TRIGGER confirmation_statuses_live AFTER INSERT OR UPDATE OR DELETE ON confirmation_statuses
    FOR EACH STATEMENT EXECUTE FUNCTION live_kind('statuses');
CREATE TRIGGER status_transitions_live AFTER INSERT OR UPDATE OR DELETE ON status_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION live_kind('statuses');
CREATE TRIGGER duplicate_pairs_live AFTER INSERT OR UPDATE ON duplicate_pairs
    FOR EACH STATEMENT EXECUTE FUNCTION live_kind('duplicates');
