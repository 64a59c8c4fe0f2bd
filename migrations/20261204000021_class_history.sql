-- Every change of a customer's computed class, kept: when, from what to what, with the score, the
-- reason and the breakdown behind it (written by the same statement that stores the new class;
-- the card's history shows them). Before, a reclassification changed a class with no trace.
CREATE TABLE customer_class_history (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    customer_id  bigint      NOT NULL,
    class_before text,
    class_after  text        NOT NULL,
    score        smallint    NOT NULL,
    reason       text        NOT NULL,
    breakdown    jsonb       NOT NULL,
    changed_at   timestamptz NOT NULL,
    CONSTRAINT customer_class_history_pkey PRIMARY KEY (id),
    CONSTRAINT customer_class_history_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE INDEX customer_class_history_customer_idx ON customer_class_history (customer_id, changed_at);
CREATE TRIGGER customer_class_history_append_only BEFORE UPDATE OR DELETE ON customer_class_history
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
