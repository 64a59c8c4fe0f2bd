-- The dashboard's folded days: one row per past Algiers day for the whole shop, written by the
-- hourly `dashboard_fold` job (the last 7 days again each run: late first calls of recent orders)
-- so a month reads 30 rows instead of its orders. Today, and any day not folded yet, is counted
-- live from the orders; an agent's own figures are always counted live.
CREATE TABLE dashboard_days (
    day            date        NOT NULL,
    received       integer     NOT NULL,
    confirmed      integer     NOT NULL,
    failed         integer     NOT NULL,
    abandoned      integer     NOT NULL,
    -- failed orders by final status code
    reasons        jsonb       NOT NULL,
    first_contacts integer     NOT NULL,
    wall_sum       float8      NOT NULL,
    -- counts per bucket of the wait before the first call (wall-clock edges, and business minutes)
    wall_hist      integer[]   NOT NULL,
    business_hist  integer[]   NOT NULL,
    folded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dashboard_days_pkey PRIMARY KEY (day)
);
