-- Customer intelligence: the customer's class and score with their breakdown (and a manual
-- override), and duplicate-order detection (normalised keys, the pairs found with their evidence,
-- and the supervisors' decisions, which are the labels the accuracy KPI is computed from).

-- Weights and thresholds (ClassificationSettings as JSON; missing keys take the defaults).
CREATE TABLE classification_settings (
    id         boolean     NOT NULL DEFAULT true,
    settings   jsonb       NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT classification_settings_pkey PRIMARY KEY (id),
    CONSTRAINT classification_settings_single CHECK (id)
);
INSERT INTO classification_settings (id) VALUES (true);

ALTER TABLE customers
    ADD COLUMN class           text        NOT NULL DEFAULT 'new',
    ADD COLUMN score           smallint    NOT NULL DEFAULT 50,
    ADD COLUMN class_reason    text        NOT NULL DEFAULT 'no_history',
    ADD COLUMN score_breakdown jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN classified_at   timestamptz,
    -- a supervisor's decision, shown beside the computed class; it lapses at override_until
    ADD COLUMN class_override  text,
    ADD COLUMN override_reason text,
    ADD COLUMN override_until  timestamptz,
    ADD COLUMN override_by     bigint,
    ADD CONSTRAINT customers_class_check CHECK (class IN ('new', 'regular', 'loyal', 'vip', 'bad')),
    ADD CONSTRAINT customers_class_override_check
        CHECK (class_override IS NULL OR class_override IN ('new', 'regular', 'loyal', 'vip', 'bad')),
    ADD CONSTRAINT customers_score_check CHECK (score BETWEEN 0 AND 100),
    ADD CONSTRAINT customers_override_by_fkey FOREIGN KEY (override_by) REFERENCES users (id);
-- the dashboard's distribution by class; the nightly job's keyset walk uses the primary key
CREATE INDEX customers_class_idx ON customers (class);

-- The class that counts: the override while it lasts, else the computed one.
CREATE FUNCTION effective_class(class text, class_override text, override_until timestamptz)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN class_override IS NOT NULL AND (override_until IS NULL OR override_until > now())
                THEN class_override ELSE class END
$$;

-- Duplicate detection keys, written at intake: the `dedup` crate's cross-script skeleton of the
-- name with its tokens sorted ("Yacine Benali", "Benali Yacine" and "ياسين بن علي" share one),
-- and of the address.
ALTER TABLE orders
    ADD COLUMN name_key    text NOT NULL DEFAULT '',
    ADD COLUMN address_key text NOT NULL DEFAULT '';
-- blocking: same wilaya, same name key, within days. (A pg_trgm GIN index on the key was tried
-- first: skeletons are short, so their trigrams are common, and one lookup fetched ~1 900 rows
-- to keep ~40 — 26 ms per order on 1 M orders. Equality on the sorted key is one index probe;
-- misspelt names are still found through the phone and customer branches.)
CREATE INDEX orders_name_block_idx ON orders (delivery_wilaya, name_key, created_at);
-- blocking: the same phone, or one digit away
CREATE INDEX orders_phone_idx ON orders (phone, created_at);

-- A pair of orders that look alike: `order_id` is the later one, flagged; the evidence is the
-- dedup crate's, kept whole so the review screen can show why.
CREATE TABLE duplicate_pairs (
    id                bigint GENERATED ALWAYS AS IDENTITY,
    order_id          bigint      NOT NULL,
    original_order_id bigint      NOT NULL,
    score             smallint    NOT NULL,
    evidence          jsonb       NOT NULL,
    -- where it was found: intake, scan (the hourly job), request (the endpoint)
    method            text        NOT NULL,
    state             text        NOT NULL DEFAULT 'open',
    decided_by        bigint,
    decided_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT duplicate_pairs_pkey PRIMARY KEY (id),
    CONSTRAINT duplicate_pairs_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT duplicate_pairs_original_fkey FOREIGN KEY (original_order_id) REFERENCES orders (id),
    CONSTRAINT duplicate_pairs_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES users (id),
    CONSTRAINT duplicate_pairs_score_check CHECK (score BETWEEN 0 AND 100),
    CONSTRAINT duplicate_pairs_method_check CHECK (method IN ('intake', 'scan', 'request')),
    CONSTRAINT duplicate_pairs_state_check CHECK (state IN ('open', 'duplicate', 'not_duplicate', 'same_customer')),
    CONSTRAINT duplicate_pairs_distinct CHECK (order_id <> original_order_id)
);
-- one pair per two orders (found again by the scan: the same row)
CREATE UNIQUE INDEX duplicate_pairs_orders_key ON duplicate_pairs (order_id, original_order_id);
-- the review queue: open pairs, most confident first
CREATE INDEX duplicate_pairs_open_idx ON duplicate_pairs (score DESC, created_at) WHERE state = 'open';
-- an order's pairs (the agent's warning, the order page)
CREATE INDEX duplicate_pairs_original_idx ON duplicate_pairs (original_order_id);
