-- Every agent's figures per Algiers day in the tallies too, so the rankings and the utilisation of
-- the whole shop are read from a few rows per agent and day instead of counted from the attempts
-- (300 agents over 30 days at 1 M orders: 3 s). Four figures, each under the agent it belongs to:
--
--   assigned        the orders assigned to the agent, on the day they were assigned (the order's
--                   current assignment: a reassigned order counts for its new agent)
--   first           the orders the agent called first, on the day of that call; total: the waits
--                   since the order's creation, microseconds
--   first_assigned  the same first calls, with the wait since the order was assigned to whoever
--                   held it at that call (microseconds); none when it was assigned after the call
--   attempts        the agent's attempts, key: the status the order went to (so a supervisor who
--                   changes which statuses count as confirmed or final changes no tally); total:
--                   the time on the attempts, milliseconds
--
-- The first three are functions of the order row (order_tally, kept by the orders' triggers as
-- before); the attempts, which are never changed or deleted, are tallied as they are inserted.

-- Who made an order's first call, and the assignment it answered: fixed at that call, so a later
-- reassignment does not rewrite the agent's response times.
ALTER TABLE orders ADD COLUMN first_agent_id bigint, ADD COLUMN first_assigned_at timestamptz,
    ADD CONSTRAINT orders_first_agent_fkey FOREIGN KEY (first_agent_id) REFERENCES users (id),
    ADD CONSTRAINT orders_first_agent_check CHECK (first_agent_id IS NULL OR first_attempt_at IS NOT NULL);

UPDATE orders o
SET first_agent_id = f.agent_id,
    first_assigned_at = CASE WHEN o.assigned_at <= o.first_attempt_at THEN o.assigned_at END
FROM (SELECT DISTINCT ON (order_id) order_id, agent_id FROM confirmation_attempts
      WHERE agent_id IS NOT NULL ORDER BY order_id, created_at, id) f
WHERE f.order_id = o.id AND o.first_attempt_at IS NOT NULL;

-- an agent's own response times (their dashboard, a period that is not whole days)
CREATE INDEX orders_first_agent_idx ON orders (first_agent_id, first_attempt_at) WHERE first_agent_id IS NOT NULL;

ALTER TABLE dashboard_tallies ADD COLUMN agent bigint NOT NULL DEFAULT 0,
    DROP CONSTRAINT dashboard_tallies_pkey,
    ADD CONSTRAINT dashboard_tallies_pkey PRIMARY KEY (day, metric, key, agent, slot),
    DROP CONSTRAINT dashboard_tallies_metric_check,
    ADD CONSTRAINT dashboard_tallies_metric_check
        CHECK (metric IN ('received', 'closed', 'wall', 'business', 'open', 'assigned', 'first', 'first_assigned',
                          'attempts')),
    ADD CONSTRAINT dashboard_tallies_agent_check
        CHECK ((agent <> 0) = (metric IN ('assigned', 'first', 'first_assigned', 'attempts')));
COMMENT ON COLUMN dashboard_tallies.agent IS 'the agent of a per-agent figure; 0 for the shop''s';

DROP TRIGGER orders_tally_insert ON orders;
DROP TRIGGER orders_tally_update ON orders;
DROP TRIGGER orders_tally_delete ON orders;
DROP FUNCTION orders_tally();
DROP FUNCTION order_tally(timestamptz, timestamptz, text, timestamptz, integer, boolean, bigint, integer);

-- What one order contributes (the triggers below, and the backfill).
CREATE FUNCTION order_tally(created timestamptz, closed timestamptz, status text, first timestamptz,
                            business integer, held boolean, agent bigint, attempts integer, assigned timestamptz,
                            first_agent bigint, first_assigned timestamptz)
RETURNS TABLE (day date, metric text, key text, agent bigint, n bigint, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT tally_day(created), 'received', '', 0::bigint, 1::bigint, 0::bigint
    UNION ALL
    SELECT 'infinity'::date, 'open',
           CASE WHEN held THEN 'held' WHEN agent IS NULL THEN 'unassigned' WHEN attempts = 0 THEN 'not_started'
                ELSE 'in_progress' END, 0, 1, 0
    WHERE closed IS NULL
    UNION ALL
    SELECT tally_day(closed), 'closed', status, 0, 1, 0
    WHERE closed IS NOT NULL
    UNION ALL
    SELECT tally_day(created), 'wall', tally_wall_bucket(w.s)::text, 0, 1, round(w.s * 1000000)::bigint
    FROM (SELECT greatest(extract(epoch FROM first - created)::float8, 0)) AS w(s)
    WHERE first IS NOT NULL
    UNION ALL
    SELECT tally_day(created), 'business', tally_business_bucket(business)::text, 0, 1, 0
    WHERE first IS NOT NULL
    UNION ALL
    SELECT tally_day(assigned), 'assigned', '', agent, 1, 0
    WHERE agent IS NOT NULL AND assigned IS NOT NULL
    UNION ALL
    SELECT tally_day(first), 'first', '', first_agent, 1, (extract(epoch FROM first - created) * 1000000)::bigint
    WHERE first_agent IS NOT NULL
    UNION ALL
    SELECT tally_day(first), 'first_assigned', '', first_agent, 1,
           (extract(epoch FROM first - first_assigned) * 1000000)::bigint
    WHERE first_agent IS NOT NULL AND first_assigned <= first
$$;

-- Once per statement, over the rows it changed (as in the migration before, with the new figures).
CREATE FUNCTION orders_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_tallies AS t (day, metric, key, agent, slot, n, total)
        SELECT c.day, c.metric, c.key, c.agent, pg_backend_pid(), sum(c.n), sum(c.total)
        FROM new_rows r,
             order_tally(r.created_at, r.closed_at, r.status, r.first_attempt_at, r.first_wait_business_s, r.is_duplicate,
                         r.assigned_agent_id, r.attempts_count, r.assigned_at, r.first_agent_id, r.first_assigned_at) c
        GROUP BY c.day, c.metric, c.key, c.agent
        ON CONFLICT (day, metric, key, agent, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_tallies AS t (day, metric, key, agent, slot, n, total)
        SELECT c.day, c.metric, c.key, c.agent, pg_backend_pid(), -sum(c.n), -sum(c.total)
        FROM old_rows r,
             order_tally(r.created_at, r.closed_at, r.status, r.first_attempt_at, r.first_wait_business_s, r.is_duplicate,
                         r.assigned_agent_id, r.attempts_count, r.assigned_at, r.first_agent_id, r.first_assigned_at) c
        GROUP BY c.day, c.metric, c.key, c.agent
        ON CONFLICT (day, metric, key, agent, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    ELSE
        INSERT INTO dashboard_tallies AS t (day, metric, key, agent, slot, n, total)
        SELECT c.day, c.metric, c.key, c.agent, pg_backend_pid(), sum(ch.sign * c.n), sum(ch.sign * c.total)
        FROM (
            SELECT x.*
            FROM new_rows nw JOIN old_rows od ON od.id = nw.id
            CROSS JOIN LATERAL (VALUES
                (1, nw.created_at, nw.closed_at, nw.status, nw.first_attempt_at, nw.first_wait_business_s,
                 nw.is_duplicate, nw.assigned_agent_id, nw.attempts_count, nw.assigned_at, nw.first_agent_id,
                 nw.first_assigned_at),
                (-1, od.created_at, od.closed_at, od.status, od.first_attempt_at, od.first_wait_business_s,
                 od.is_duplicate, od.assigned_agent_id, od.attempts_count, od.assigned_at, od.first_agent_id,
                 od.first_assigned_at)
            ) AS x(sign, created_at, closed_at, status, first_attempt_at, first_wait_business_s, is_duplicate,
                   assigned_agent_id, attempts_count, assigned_at, first_agent_id, first_assigned_at)
            WHERE nw.created_at IS DISTINCT FROM od.created_at OR nw.closed_at IS DISTINCT FROM od.closed_at
               OR nw.status IS DISTINCT FROM od.status OR nw.first_attempt_at IS DISTINCT FROM od.first_attempt_at
               OR nw.first_wait_business_s IS DISTINCT FROM od.first_wait_business_s
               OR nw.is_duplicate IS DISTINCT FROM od.is_duplicate
               OR nw.assigned_agent_id IS DISTINCT FROM od.assigned_agent_id
               OR nw.attempts_count IS DISTINCT FROM od.attempts_count
               OR nw.assigned_at IS DISTINCT FROM od.assigned_at
               OR nw.first_agent_id IS DISTINCT FROM od.first_agent_id
               OR nw.first_assigned_at IS DISTINCT FROM od.first_assigned_at
        ) ch,
        order_tally(ch.created_at, ch.closed_at, ch.status, ch.first_attempt_at, ch.first_wait_business_s,
                    ch.is_duplicate, ch.assigned_agent_id, ch.attempts_count, ch.assigned_at, ch.first_agent_id,
                    ch.first_assigned_at) c
        GROUP BY c.day, c.metric, c.key, c.agent
        HAVING sum(ch.sign * c.n) <> 0 OR sum(ch.sign * c.total) <> 0
        ON CONFLICT (day, metric, key, agent, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    END IF;
    RETURN NULL;
END $$;

-- the new figures of the orders there are (the shop's are already tallied)
INSERT INTO dashboard_tallies (day, metric, key, agent, slot, n, total)
SELECT c.day, c.metric, c.key, c.agent, 0, sum(c.n), sum(c.total)
FROM orders o, order_tally(o.created_at, o.closed_at, o.status, o.first_attempt_at, o.first_wait_business_s,
                           o.is_duplicate, o.assigned_agent_id, o.attempts_count, o.assigned_at, o.first_agent_id,
                           o.first_assigned_at) c
WHERE c.agent <> 0
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();
CREATE TRIGGER orders_tally_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();
CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();

-- The agents' attempts (a customer's own answer has no agent and is no agent's work).
CREATE FUNCTION attempts_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_tallies AS t (day, metric, key, agent, slot, n, total)
    SELECT tally_day(r.created_at), 'attempts', r.status_after, r.agent_id, pg_backend_pid(), count(*),
           sum(r.duration_ms)
    FROM new_rows r
    WHERE r.agent_id IS NOT NULL
    GROUP BY 1, 3, 4
    ON CONFLICT (day, metric, key, agent, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    RETURN NULL;
END $$;

INSERT INTO dashboard_tallies (day, metric, key, agent, slot, n, total)
SELECT tally_day(created_at), 'attempts', status_after, agent_id, 0, count(*), sum(duration_ms)
FROM confirmation_attempts
WHERE agent_id IS NOT NULL
GROUP BY 1, 3, 4;

CREATE TRIGGER confirmation_attempts_tally AFTER INSERT ON confirmation_attempts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION attempts_tally();
-- the trail is append-only (confirmation_attempts_append_only); emptying it would leave the tallies behind
CREATE FUNCTION forbid_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER confirmation_attempts_no_truncate BEFORE TRUNCATE ON confirmation_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate();
