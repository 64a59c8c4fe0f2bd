-- A "same customer" merge that sticks and can be undone. Before, the merged customer was deleted
-- without a trace and intake matched customers on their own phone only, so the next order from the
-- merged phone created a new customer: a bad customer came back as new.
--
-- Now the merged customer is kept, marked merged into the survivor (its counters move to the
-- survivor; its own read zero while merged), each merge keeps what it moved, so a supervisor can
-- undo it, and intake resolves any phone a customer is known by (their own, a contact, a merged
-- customer's) to the customer it belongs to now.
ALTER TABLE customers ADD COLUMN merged_into_id bigint, ADD COLUMN merged_at timestamptz,
    ADD CONSTRAINT customers_merged_into_fkey FOREIGN KEY (merged_into_id) REFERENCES customers (id),
    ADD CONSTRAINT customers_merged_check
        CHECK ((merged_into_id IS NULL) = (merged_at IS NULL) AND merged_into_id IS DISTINCT FROM id);
-- the customers merged into one (its card lists them)
CREATE INDEX customers_merged_into_idx ON customers (merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE customer_merges (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    from_customer_id bigint      NOT NULL,
    into_customer_id bigint      NOT NULL,
    merged_by        bigint,
    merged_at        timestamptz NOT NULL DEFAULT now(),
    -- what moved: the merged customer's counters, orders, flags, notes and contacts, and the
    -- phones the survivor gained as contacts
    moved            jsonb       NOT NULL,
    undone_by        bigint,
    undone_at        timestamptz,
    CONSTRAINT customer_merges_pkey PRIMARY KEY (id),
    CONSTRAINT customer_merges_from_fkey FOREIGN KEY (from_customer_id) REFERENCES customers (id),
    CONSTRAINT customer_merges_into_fkey FOREIGN KEY (into_customer_id) REFERENCES customers (id),
    CONSTRAINT customer_merges_by_fkey FOREIGN KEY (merged_by) REFERENCES users (id),
    CONSTRAINT customer_merges_undone_by_fkey FOREIGN KEY (undone_by) REFERENCES users (id),
    CONSTRAINT customer_merges_undone_check CHECK ((undone_at IS NULL) OR (undone_at >= merged_at))
);
-- a customer is merged into at most one other at a time
CREATE UNIQUE INDEX customer_merges_live_key ON customer_merges (from_customer_id) WHERE undone_at IS NULL;
CREATE INDEX customer_merges_into_idx ON customer_merges (into_customer_id);

-- intake looks a phone up among the contacts too
CREATE INDEX customer_contacts_phone_idx ON customer_contacts (phone);

-- the class distribution counts the customers there are (a merged one lives on in its survivor)
DROP INDEX customers_class_idx;
CREATE INDEX customers_class_idx ON customers (class, class_override, override_until) WHERE merged_into_id IS NULL;
