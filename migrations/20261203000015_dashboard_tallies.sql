-- The shop's dashboard figures per Algiers day kept by the database itself, in the transaction of
-- every change to an order (intake, import, attempts, status edits, reassignments, merges, jobs,
-- a hand-written UPDATE): a day is read from a few hundred rows instead of counted from its
-- orders. They replace the hourly fold of past days (`dashboard_days`), which left today counted
-- live: 90 ms at 1 M orders.
--
-- Each order contributes, as a pure function of its row (order_tally): one "received" to the day
-- it was created, one "closed" under its final status to the day it closed, its wait before the
-- first call to the histograms of the day it was created (wall-clock buckets with the summed
-- microseconds, and whole business minutes), and while open one to where it stands (held,
-- unassigned, not started, in progress). A change adds the new row's contributions and takes
-- the old row's away, so the tallies always equal a recount. The trigger runs once per statement
-- over the rows it changed. Each connection writes its own slot, its backend pid (unique among
-- the connections open at a time), so two transactions never lock the same counter row: parallel
-- intakes do not queue on one row and cannot deadlock; the fold job moves the slots into slot 0,
-- skipping any row an open transaction holds.

-- Seconds of business time between two instants (the Algiers business hours of the routing
-- settings): as domain::business_seconds in Rust, which the tests compare it with.
CREATE FUNCTION business_seconds(t0 timestamptz, t1 timestamptz, start_minute integer, end_minute integer,
                                 days smallint[])
RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(greatest(0, trunc(extract(epoch FROM
               least(t1, (g.d + make_interval(mins => end_minute)) AT TIME ZONE 'Africa/Algiers')
             - greatest(t0, (g.d + make_interval(mins => start_minute)) AT TIME ZONE 'Africa/Algiers'))))), 0)::bigint
    FROM generate_series((t0 AT TIME ZONE 'Africa/Algiers')::date::timestamp,
                         (t1 AT TIME ZONE 'Africa/Algiers')::date::timestamp, interval '1 day') AS g(d)
    WHERE t1 > t0 AND extract(isodow FROM g.d)::smallint = ANY (days)
$$;

-- The first call's wait in business time, fixed when the first call is made (later changes of the
-- business hours do not rewrite history, and the tallies stay a function of the row).
ALTER TABLE orders ADD COLUMN first_wait_business_s integer;

CREATE FUNCTION orders_first_wait() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.first_attempt_at IS NULL THEN
        NEW.first_wait_business_s := NULL;
    ELSIF TG_OP = 'INSERT' OR NEW.first_attempt_at IS DISTINCT FROM OLD.first_attempt_at
          OR NEW.created_at IS DISTINCT FROM OLD.created_at
          OR NEW.first_wait_business_s IS DISTINCT FROM OLD.first_wait_business_s THEN
        SELECT least(business_seconds(NEW.created_at, NEW.first_attempt_at, s.business_start_minute,
                                      s.business_end_minute, s.business_days), 2147483647)
          INTO NEW.first_wait_business_s
          FROM routing_settings s;
        NEW.first_wait_business_s := coalesce(NEW.first_wait_business_s,
            least(business_seconds(NEW.created_at, NEW.first_attempt_at, 480, 1200, '{7,1,2,3,4}'), 2147483647));
    END IF;
    RETURN NEW;
END $$;

UPDATE orders SET first_wait_business_s = least(business_seconds(created_at, first_attempt_at, s.business_start_minute,
                                                s.business_end_minute, s.business_days), 2147483647)
FROM routing_settings s
WHERE first_attempt_at IS NOT NULL;

CREATE TRIGGER orders_first_wait BEFORE INSERT OR UPDATE OF first_attempt_at, created_at, first_wait_business_s
    ON orders FOR EACH ROW EXECUTE FUNCTION orders_first_wait();
ALTER TABLE orders ADD CONSTRAINT orders_first_wait_check
    CHECK ((first_attempt_at IS NULL) = (first_wait_business_s IS NULL));

CREATE TABLE dashboard_tallies (
    day    date     NOT NULL,
    -- received | closed (key: the final status) | wall (key: the bucket of WALL_EDGES) |
    -- business (key: whole business minutes, 0..=601) | open (key: held, unassigned, not_started
    -- or in_progress; the orders open now, under the day 'infinity')
    metric text     NOT NULL,
    key    text     NOT NULL,
    -- the writing backend's pid; 0 once folded
    slot   integer  NOT NULL,
    n      bigint   NOT NULL,
    -- wall: the waits summed, microseconds
    total  bigint   NOT NULL,
    CONSTRAINT dashboard_tallies_pkey PRIMARY KEY (day, metric, key, slot),
    CONSTRAINT dashboard_tallies_metric_check CHECK (metric IN ('received', 'closed', 'wall', 'business', 'open')),
    CONSTRAINT dashboard_tallies_open_check CHECK ((metric = 'open') = (day = 'infinity'))
);

-- The histograms' buckets: domain::WALL_EDGES (wall-clock seconds) and domain::business_bucket
-- (whole business minutes, 0..=601).
CREATE FUNCTION tally_wall_bucket(seconds float8) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT width_bucket(seconds, '{0,10,20,30,45,60,90,120,180,240,300,420,600,900,1200,1800,2700,3600,5400,7200,
                                    10800,14400,21600,28800,43200,64800,86400,129600,172800,259200,345600,518400,
                                    604800,1209600,2592000}'::float8[]) - 1
$$;
CREATE FUNCTION tally_business_bucket(seconds integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN seconds <= 0 THEN 0 ELSE least((seconds::bigint + 59) / 60, 601)::integer END
$$;
CREATE FUNCTION tally_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (t AT TIME ZONE 'Africa/Algiers')::date
$$;

-- What one order contributes (the triggers below, and the backfill).
CREATE FUNCTION order_tally(created timestamptz, closed timestamptz, status text, first timestamptz,
                            business integer, held boolean, agent bigint, attempts integer)
RETURNS TABLE (day date, metric text, key text, n bigint, total bigint) LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT tally_day(created), 'received', '', 1::bigint, 0::bigint
    UNION ALL
    SELECT 'infinity'::date, 'open',
           CASE WHEN held THEN 'held' WHEN agent IS NULL THEN 'unassigned' WHEN attempts = 0 THEN 'not_started'
                ELSE 'in_progress' END, 1, 0
    WHERE closed IS NULL
    UNION ALL
    SELECT tally_day(closed), 'closed', status, 1, 0
    WHERE closed IS NOT NULL
    UNION ALL
    SELECT tally_day(created), 'wall', tally_wall_bucket(w.s)::text, 1, round(w.s * 1000000)::bigint
    FROM (SELECT greatest(extract(epoch FROM first - created)::float8, 0)) AS w(s)
    WHERE first IS NOT NULL
    UNION ALL
    SELECT tally_day(created), 'business', tally_business_bucket(business)::text, 1, 0
    WHERE first IS NOT NULL
$$;

-- Once per statement, over the rows it changed (transition tables): an intake adds one row, an
-- attempt that closes an order two or three, an import of 5 000 orders a few dozen. Per row, a
-- bulk statement updated the same counter row thousands of times in one transaction, each update
-- walking the chain of the row's earlier versions (20 k rows: 15 s).
CREATE FUNCTION orders_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_tallies AS t (day, metric, key, slot, n, total)
        SELECT c.day, c.metric, c.key, pg_backend_pid(), sum(c.n), sum(c.total)
        FROM new_rows r,
             order_tally(r.created_at, r.closed_at, r.status, r.first_attempt_at, r.first_wait_business_s, r.is_duplicate,
                         r.assigned_agent_id, r.attempts_count) c
        GROUP BY c.day, c.metric, c.key
        ON CONFLICT (day, metric, key, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_tallies AS t (day, metric, key, slot, n, total)
        SELECT c.day, c.metric, c.key, pg_backend_pid(), -sum(c.n), -sum(c.total)
        FROM old_rows r,
             order_tally(r.created_at, r.closed_at, r.status, r.first_attempt_at, r.first_wait_business_s, r.is_duplicate,
                         r.assigned_agent_id, r.attempts_count) c
        GROUP BY c.day, c.metric, c.key
        ON CONFLICT (day, metric, key, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    ELSE
        INSERT INTO dashboard_tallies AS t (day, metric, key, slot, n, total)
        SELECT c.day, c.metric, c.key, pg_backend_pid(), sum(ch.sign * c.n), sum(ch.sign * c.total)
        FROM (
            SELECT x.*
            FROM new_rows nw JOIN old_rows od ON od.id = nw.id
            CROSS JOIN LATERAL (VALUES
                (1, nw.created_at, nw.closed_at, nw.status, nw.first_attempt_at, nw.first_wait_business_s,
                 nw.is_duplicate, nw.assigned_agent_id, nw.attempts_count),
                (-1, od.created_at, od.closed_at, od.status, od.first_attempt_at, od.first_wait_business_s,
                 od.is_duplicate, od.assigned_agent_id, od.attempts_count)
            ) AS x(sign, created_at, closed_at, status, first_attempt_at, first_wait_business_s, is_duplicate,
                   assigned_agent_id, attempts_count)
            WHERE nw.created_at IS DISTINCT FROM od.created_at OR nw.closed_at IS DISTINCT FROM od.closed_at
               OR nw.status IS DISTINCT FROM od.status OR nw.first_attempt_at IS DISTINCT FROM od.first_attempt_at
               OR nw.first_wait_business_s IS DISTINCT FROM od.first_wait_business_s
               OR nw.is_duplicate IS DISTINCT FROM od.is_duplicate
               OR nw.assigned_agent_id IS DISTINCT FROM od.assigned_agent_id
               OR nw.attempts_count IS DISTINCT FROM od.attempts_count
        ) ch,
        order_tally(ch.created_at, ch.closed_at, ch.status, ch.first_attempt_at, ch.first_wait_business_s,
                    ch.is_duplicate, ch.assigned_agent_id, ch.attempts_count) c
        GROUP BY c.day, c.metric, c.key
        HAVING sum(ch.sign * c.n) <> 0 OR sum(ch.sign * c.total) <> 0
        ON CONFLICT (day, metric, key, slot) DO UPDATE SET n = t.n + excluded.n, total = t.total + excluded.total;
    END IF;
    RETURN NULL;
END $$;

INSERT INTO dashboard_tallies (day, metric, key, slot, n, total)
SELECT c.day, c.metric, c.key, 0, sum(c.n), sum(c.total)
FROM orders o, order_tally(o.created_at, o.closed_at, o.status, o.first_attempt_at, o.first_wait_business_s,
                           o.is_duplicate, o.assigned_agent_id, o.attempts_count) c
GROUP BY 1, 2, 3;

CREATE TRIGGER orders_tally_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();
CREATE TRIGGER orders_tally_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();
CREATE TRIGGER orders_tally_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_tally();

DROP TABLE dashboard_days;

-- The pending counts' "past deadline" part, read from the index alone (it fetched 16 k rows from
-- the heap to check the hold at 1 M orders).
DROP INDEX orders_uncalled_idx;
CREATE INDEX orders_uncalled_idx ON orders (created_at) INCLUDE (is_duplicate, assigned_agent_id)
    WHERE closed_at IS NULL AND attempts_count = 0;
-- The callbacks due now, which the pending counts take out of the open orders' tallies.
CREATE INDEX orders_due_idx ON orders (next_contact_at) INCLUDE (assigned_agent_id, attempts_count)
    WHERE closed_at IS NULL AND NOT is_duplicate AND next_contact_at IS NOT NULL;
