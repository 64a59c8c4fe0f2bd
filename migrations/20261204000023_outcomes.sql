-- Outcomes by meaning, and what the courier says (issue 15, items 2 and 3).
--
-- A final status now says what it means for the customer's record: confirmed, cancelled by the
-- customer, wrong number, unreachable, abandoned, or a duplicate. Before, every final status that
-- was not a confirmation counted as "cancelled", so a customer who never answered became "bad".
ALTER TABLE confirmation_statuses ADD COLUMN outcome text;
UPDATE confirmation_statuses SET outcome = CASE
    WHEN NOT is_final THEN NULL
    WHEN counts_as_confirmed THEN 'confirmed'
    WHEN code IN ('cancelled', 'wrong_number', 'unreachable', 'duplicate', 'abandoned') THEN code
    WHEN category = 'abandoned' THEN 'abandoned'
    WHEN contact_made THEN 'cancelled'
    ELSE 'unreachable' END;
ALTER TABLE confirmation_statuses
    ADD CONSTRAINT confirmation_statuses_outcome_check
        CHECK (outcome IN ('confirmed', 'cancelled', 'wrong_number', 'unreachable', 'abandoned', 'duplicate')),
    ADD CONSTRAINT confirmation_statuses_outcome_final_check CHECK ((outcome IS NOT NULL) = is_final),
    ADD CONSTRAINT confirmation_statuses_outcome_confirmed_check CHECK ((outcome = 'confirmed') = counts_as_confirmed);

-- The courier's last word on an order (the events below are the whole story).
ALTER TABLE orders
    ADD COLUMN delivery_outcome text,
    ADD COLUMN delivery_reason  text,
    ADD COLUMN delivery_at      timestamptz,
    ADD CONSTRAINT orders_delivery_outcome_check
        CHECK (delivery_outcome IN ('delivered', 'returned', 'refused', 'failed_attempt')),
    ADD CONSTRAINT orders_delivery_reason_check CHECK (delivery_reason IS NULL OR delivery_outcome IS NOT NULL),
    ADD CONSTRAINT orders_delivery_at_check CHECK ((delivery_at IS NULL) = (delivery_outcome IS NULL));

-- Every delivery outcome a shop or courier sent, once per event id (a resend is answered with the
-- stored event). Append-only.
CREATE TABLE delivery_events (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    event_id    text        NOT NULL,
    order_id    bigint      NOT NULL,
    outcome     text        NOT NULL,
    reason      text,
    note        text        NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL,
    -- what was sent, to tell a resend from a different event under a used id
    fingerprint bytea       NOT NULL,
    recorded_by bigint      NOT NULL,
    -- 'api' or an import's id
    source      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT delivery_events_pkey PRIMARY KEY (id),
    CONSTRAINT delivery_events_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT delivery_events_by_fkey FOREIGN KEY (recorded_by) REFERENCES users (id),
    CONSTRAINT delivery_events_outcome_check CHECK (outcome IN ('delivered', 'returned', 'refused', 'failed_attempt')),
    CONSTRAINT delivery_events_event_id_check CHECK (length(event_id) BETWEEN 1 AND 100),
    CONSTRAINT delivery_events_note_check CHECK (length(note) <= 1000)
);
CREATE UNIQUE INDEX delivery_events_event_id_key ON delivery_events (event_id);
-- an order's delivery history, in order
CREATE INDEX delivery_events_order_idx ON delivery_events (order_id, occurred_at);
CREATE TRIGGER delivery_events_append_only BEFORE UPDATE OR DELETE ON delivery_events
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The customer's counters by meaning. cancelled_count now means cancelled by the customer only.
ALTER TABLE customers
    ADD COLUMN wrong_number_count integer NOT NULL DEFAULT 0,
    ADD COLUMN unreachable_count  integer NOT NULL DEFAULT 0,
    ADD COLUMN abandoned_count    integer NOT NULL DEFAULT 0,
    ADD COLUMN duplicate_count    integer NOT NULL DEFAULT 0,
    -- refused at the door (returned_count counts the other returns)
    ADD COLUMN refused_count      integer NOT NULL DEFAULT 0,
    -- returns and refusals the courier reported as a fake order
    ADD COLUMN fake_order_count   integer NOT NULL DEFAULT 0;

-- Recount every customer from their orders, as customers::db::recount does for one.
UPDATE customers c
SET confirmed_count = k.confirmed, cancelled_count = k.cancelled, wrong_number_count = k.wrong_number,
    unreachable_count = k.unreachable, abandoned_count = k.abandoned, duplicate_count = k.duplicate
FROM (SELECT o.customer_id,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'confirmed')::int4 AS confirmed,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'cancelled')::int4 AS cancelled,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'wrong_number')::int4 AS wrong_number,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'unreachable')::int4 AS unreachable,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'abandoned')::int4 AS abandoned,
             count(*) FILTER (WHERE o.closed_at IS NOT NULL AND s.outcome = 'duplicate')::int4 AS duplicate
      FROM orders o JOIN confirmation_statuses s ON s.code = o.status
      GROUP BY o.customer_id) k
WHERE c.id = k.customer_id;
