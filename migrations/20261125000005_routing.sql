-- Agents' routing profiles, presence, the routing settings, each order's routing reason, and the
-- scheduled jobs (one row per job; one row per run).

-- The brief's agentInfo: who confirms orders, in which languages, for which wilayas, how much.
CREATE TABLE agent_profiles (
    user_id               bigint      NOT NULL,
    is_confirmation_agent boolean     NOT NULL DEFAULT true,
    -- delivery wilayas the agent covers; empty = all
    wilayas               smallint[]  NOT NULL DEFAULT '{}',
    max_orders_per_day    integer     NOT NULL DEFAULT 200,
    max_open_orders       integer     NOT NULL DEFAULT 40,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_profiles_pkey PRIMARY KEY (user_id),
    CONSTRAINT agent_profiles_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT agent_profiles_limits_check CHECK (max_orders_per_day BETWEEN 1 AND 5000
                                                  AND max_open_orders BETWEEN 1 AND 1000)
);

CREATE TABLE agent_languages (
    user_id     bigint   NOT NULL,
    language    text     NOT NULL,
    proficiency smallint NOT NULL,
    CONSTRAINT agent_languages_pkey PRIMARY KEY (user_id, language),
    CONSTRAINT agent_languages_user_fkey FOREIGN KEY (user_id) REFERENCES agent_profiles (user_id),
    CONSTRAINT agent_languages_language_check CHECK (language IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT agent_languages_proficiency_check CHECK (proficiency BETWEEN 1 AND 5)
);

-- Weekly working windows in Africa/Algiers time; several per day are allowed. ISO weekday
-- (1 = Monday … 7 = Sunday), minutes from local midnight.
CREATE TABLE agent_shifts (
    user_id      bigint   NOT NULL,
    weekday      smallint NOT NULL,
    start_minute smallint NOT NULL,
    end_minute   smallint NOT NULL,
    CONSTRAINT agent_shifts_pkey PRIMARY KEY (user_id, weekday, start_minute),
    CONSTRAINT agent_shifts_user_fkey FOREIGN KEY (user_id) REFERENCES agent_profiles (user_id),
    CONSTRAINT agent_shifts_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT agent_shifts_times_check CHECK (start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)
);

-- Every agent has a profile from the moment they are an agent (created, or given the role): Algerian
-- Arabic and Arabic, all wilayas, the default week (Sunday–Thursday 08:00–12:00 and 13:00–17:00;
-- Friday–Saturday is the weekend). Supervisors then edit it. A trigger, so that every way of
-- making an agent (the users page, the API, the seed, a test) gets one.
CREATE FUNCTION ensure_agent_profile(agent bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO agent_profiles (user_id) VALUES (agent) ON CONFLICT DO NOTHING;
    INSERT INTO agent_languages (user_id, language, proficiency)
    SELECT agent, l.language, l.proficiency
    FROM (VALUES ('ar-DZ', 5), ('ar', 4)) AS l (language, proficiency)
    WHERE NOT EXISTS (SELECT 1 FROM agent_languages WHERE user_id = agent);
    INSERT INTO agent_shifts (user_id, weekday, start_minute, end_minute)
    SELECT agent, d.weekday, s.start_minute, s.end_minute
    FROM (VALUES (7), (1), (2), (3), (4)) AS d (weekday)
    CROSS JOIN (VALUES (480, 720), (780, 1020)) AS s (start_minute, end_minute)
    WHERE NOT EXISTS (SELECT 1 FROM agent_shifts WHERE user_id = agent);
$$;
CREATE FUNCTION users_agent_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role = 'agent' THEN
        PERFORM ensure_agent_profile(NEW.id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_agent_profile AFTER INSERT OR UPDATE OF role ON users
    FOR EACH ROW EXECUTE FUNCTION users_agent_profile();
SELECT ensure_agent_profile(id) FROM users WHERE role = 'agent';

-- Holiday exceptions: days an agent does not work whatever the week says.
CREATE TABLE agent_days_off (
    user_id    bigint      NOT NULL,
    day        date        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_days_off_pkey PRIMARY KEY (user_id, day),
    CONSTRAINT agent_days_off_user_fkey FOREIGN KEY (user_id) REFERENCES agent_profiles (user_id)
);

-- An agent's presence now. last_seen_at is refreshed by activity; the presence sweep turns an
-- agent silent for longer than the inactivity limit offline.
CREATE TABLE agent_presence (
    user_id      bigint      NOT NULL,
    state        text        NOT NULL DEFAULT 'offline',
    reason       text        NOT NULL DEFAULT '',
    since        timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_presence_pkey PRIMARY KEY (user_id),
    CONSTRAINT agent_presence_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT agent_presence_state_check CHECK (state IN ('available', 'paused', 'offline'))
);

-- Time spent in each presence state (utilisation = time on attempts / time available). A period
-- is open (ended_at null) while it lasts.
CREATE TABLE presence_periods (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    user_id    bigint      NOT NULL,
    state      text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    started_at timestamptz NOT NULL,
    ended_at   timestamptz,
    CONSTRAINT presence_periods_pkey PRIMARY KEY (id),
    CONSTRAINT presence_periods_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT presence_periods_state_check CHECK (state IN ('available', 'paused', 'offline')),
    CONSTRAINT presence_periods_time_check CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- utilisation: an agent's periods overlapping a time range
CREATE INDEX presence_periods_user_idx ON presence_periods (user_id, started_at);

-- Routing settings (one row): timed relaxation, inactivity, business hours (Africa/Algiers).
CREATE TABLE routing_settings (
    id                        boolean     NOT NULL DEFAULT true,
    drop_wilaya_after_minutes integer,
    any_arabic_after_minutes  integer,
    inactivity_minutes        integer     NOT NULL DEFAULT 15,
    business_start_minute     smallint    NOT NULL DEFAULT 480,
    business_end_minute       smallint    NOT NULL DEFAULT 1200,
    -- ISO weekdays that are business days (Sunday–Thursday by default: the weekend is Friday–Saturday)
    business_days             smallint[]  NOT NULL DEFAULT '{7,1,2,3,4}',
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT routing_settings_pkey PRIMARY KEY (id),
    CONSTRAINT routing_settings_single CHECK (id),
    CONSTRAINT routing_settings_relax_check CHECK (coalesce(drop_wilaya_after_minutes, 0) >= 0
                                                   AND coalesce(any_arabic_after_minutes, 0) >= 0),
    CONSTRAINT routing_settings_inactivity_check CHECK (inactivity_minutes BETWEEN 1 AND 1440),
    CONSTRAINT routing_settings_hours_check CHECK (business_start_minute >= 0
                                                   AND business_start_minute < business_end_minute
                                                   AND business_end_minute <= 1440)
);
INSERT INTO routing_settings (id, drop_wilaya_after_minutes, any_arabic_after_minutes) VALUES (true, 10, 30);

-- Why an order is where it is: the last routing decision (who and why, or why nobody), as JSON
-- the UI translates. waiting_since = when it (last) became unassigned, for timed relaxation.
ALTER TABLE orders ADD COLUMN routing_reason jsonb;
ALTER TABLE orders ADD COLUMN routed_at timestamptz;
ALTER TABLE orders ADD COLUMN waiting_since timestamptz NOT NULL DEFAULT now();
UPDATE orders SET waiting_since = created_at;
-- The agent reference is checked once per statement instead of once per row: an auto-assign run
-- places thousands of orders in one UPDATE, and the row-by-row foreign-key check was 40 % of it
-- (126 ms of 303 ms for 10 000 orders, measured). The rule is the same: an order's agent is a
-- user, and users who hold orders are never deleted.
ALTER TABLE orders DROP CONSTRAINT orders_agent_fkey;
CREATE FUNCTION orders_agent_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed c WHERE c.assigned_agent_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.assigned_agent_id)) THEN
        RAISE EXCEPTION 'orders.assigned_agent_id names no user'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'orders_agent_fkey';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orders_agent_on_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION orders_agent_exists();
CREATE TRIGGER orders_agent_on_update AFTER UPDATE ON orders REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION orders_agent_exists();
CREATE FUNCTION users_keep_agents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone g JOIN orders o ON o.assigned_agent_id = g.id) THEN
        RAISE EXCEPTION 'a user holding orders cannot be deleted'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'orders_agent_fkey';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER users_keep_agents AFTER DELETE ON users REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION users_keep_agents();

-- daily limits and round robin: an agent's assignments by time
CREATE INDEX orders_agent_assigned_idx ON orders (assigned_agent_id, assigned_at) WHERE assigned_agent_id IS NOT NULL;

-- Scheduled jobs: one row each, claimed by one instance at a time (running_since), next run
-- computed in Africa/Algiers time by the job's schedule.
CREATE TABLE scheduled_jobs (
    name             text        NOT NULL,
    next_run_at      timestamptz NOT NULL DEFAULT now(),
    running_since    timestamptz,
    running_instance text,
    enabled          boolean     NOT NULL DEFAULT true,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scheduled_jobs_pkey PRIMARY KEY (name)
);

CREATE TABLE job_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    job         text        NOT NULL,
    trigger     text        NOT NULL,
    instance    text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    outcome     text        NOT NULL DEFAULT 'running',
    detail      jsonb       NOT NULL DEFAULT '{}',
    CONSTRAINT job_runs_pkey PRIMARY KEY (id),
    CONSTRAINT job_runs_job_fkey FOREIGN KEY (job) REFERENCES scheduled_jobs (name),
    CONSTRAINT job_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'event')),
    CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped'))
);
-- the jobs page: a job's last runs, newest first
CREATE INDEX job_runs_job_idx ON job_runs (job, started_at DESC);
