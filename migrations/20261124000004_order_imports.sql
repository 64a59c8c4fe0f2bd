-- CSV imports of orders: one row per upload with its progress, one row per order of the file with
-- what became of it (created, already there, or rejected and why). Nothing in a file goes
-- unaccounted for.
CREATE TABLE order_imports (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    created_by     bigint      NOT NULL,
    file_name      text        NOT NULL,
    status         text        NOT NULL DEFAULT 'running',
    total_orders   integer     NOT NULL,
    total_rows     integer     NOT NULL,
    processed      integer     NOT NULL DEFAULT 0,
    created_count  integer     NOT NULL DEFAULT 0,
    existing_count integer     NOT NULL DEFAULT 0,
    rejected_count integer     NOT NULL DEFAULT 0,
    -- the worker touches it as it goes: a stale one means the instance stopped mid-file
    heartbeat_at   timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    CONSTRAINT order_imports_pkey PRIMARY KEY (id),
    CONSTRAINT order_imports_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT order_imports_status_check CHECK (status IN ('running', 'done'))
);

CREATE TABLE order_import_results (
    import_id   bigint  NOT NULL,
    -- position of the order in the file (1-based), and the file lines it came from
    position    integer NOT NULL,
    first_line  integer NOT NULL,
    last_line   integer NOT NULL,
    reference   text,
    outcome     text    NOT NULL,
    order_id    bigint,
    error_code  text,
    error_field text,
    CONSTRAINT order_import_results_pkey PRIMARY KEY (import_id, position),
    CONSTRAINT order_import_results_import_fkey FOREIGN KEY (import_id) REFERENCES order_imports (id),
    CONSTRAINT order_import_results_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_import_results_outcome_check CHECK (outcome IN ('created', 'existing', 'rejected'))
);
-- the report: an import's rejected orders, in file order
CREATE INDEX order_import_results_rejected_idx ON order_import_results (import_id, position) WHERE outcome = 'rejected';
