-- The confirmation core: configurable statuses and transitions, the attempt policy, customers,
-- orders and their items, the append-only attempt trail, customer flags and notes, shop API tokens.

-- Statuses are data, not an enum (labels in three languages, colour, category, meaning flags).
CREATE TABLE confirmation_statuses (
    code                text        NOT NULL,
    label_fr            text        NOT NULL,
    label_ar            text        NOT NULL,
    label_ar_dz         text        NOT NULL,
    color               text        NOT NULL,
    category            text        NOT NULL,
    contact_made        boolean     NOT NULL DEFAULT false,
    is_final            boolean     NOT NULL DEFAULT false,
    callback            boolean     NOT NULL DEFAULT false,
    -- the line was busy: retried sooner than after no answer
    line_busy           boolean     NOT NULL DEFAULT false,
    do_not_call         boolean     NOT NULL DEFAULT false,
    counts_as_confirmed boolean     NOT NULL DEFAULT false,
    initial             boolean     NOT NULL DEFAULT false,
    sort_order          integer     NOT NULL DEFAULT 0,
    active              boolean     NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT confirmation_statuses_pkey PRIMARY KEY (code),
    CONSTRAINT confirmation_statuses_code_check CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    CONSTRAINT confirmation_statuses_color_check CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    CONSTRAINT confirmation_statuses_category_check
        CHECK (category IN ('pending', 'attempting', 'confirmed', 'failed', 'abandoned'))
);
-- at most one active initial status
CREATE UNIQUE INDEX confirmation_statuses_one_initial_key ON confirmation_statuses (initial) WHERE initial AND active;

CREATE TABLE status_transitions (
    from_code  text        NOT NULL,
    to_code    text        NOT NULL,
    min_role   text        NOT NULL DEFAULT 'agent',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT status_transitions_pkey PRIMARY KEY (from_code, to_code),
    CONSTRAINT status_transitions_from_fkey FOREIGN KEY (from_code) REFERENCES confirmation_statuses (code),
    CONSTRAINT status_transitions_to_fkey FOREIGN KEY (to_code) REFERENCES confirmation_statuses (code),
    CONSTRAINT status_transitions_role_check CHECK (min_role IN ('admin', 'supervisor', 'agent')),
    CONSTRAINT status_transitions_not_self_check CHECK (from_code <> to_code)
);

-- One row of settings for the attempt policy (after N unanswered attempts -> abandoned).
CREATE TABLE attempt_policy (
    id                            boolean     NOT NULL DEFAULT true,
    max_unanswered                integer     NOT NULL DEFAULT 5,
    retry_after_no_answer_minutes integer     NOT NULL DEFAULT 120,
    retry_after_busy_minutes      integer     NOT NULL DEFAULT 20,
    abandoned_status              text        NOT NULL DEFAULT 'abandoned',
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attempt_policy_pkey PRIMARY KEY (id),
    CONSTRAINT attempt_policy_single_row_check CHECK (id),
    CONSTRAINT attempt_policy_values_check
        CHECK (max_unanswered BETWEEN 1 AND 20 AND retry_after_no_answer_minutes >= 0 AND retry_after_busy_minutes >= 0)
);

INSERT INTO confirmation_statuses
    (code, label_fr, label_ar, label_ar_dz, color, category, contact_made, is_final, callback, do_not_call,
     counts_as_confirmed, initial, sort_order)
VALUES
    ('new', 'Nouvelle', 'جديدة', 'جديدة', '#64748b', 'pending', false, false, false, false, false, true, 0),
    ('no_answer_1', 'Pas de réponse 1', 'لا رد 1', 'ما ردّش 1', '#f59e0b', 'attempting', false, false, false, false, false, false, 10),
    ('no_answer_2', 'Pas de réponse 2', 'لا رد 2', 'ما ردّش 2', '#f59e0b', 'attempting', false, false, false, false, false, false, 11),
    ('no_answer_3', 'Pas de réponse 3', 'لا رد 3', 'ما ردّش 3', '#d97706', 'attempting', false, false, false, false, false, false, 12),
    ('no_answer_sms', 'Pas de réponse + SMS', 'لا رد + رسالة', 'ما ردّش + SMS', '#b45309', 'attempting', false, false, false, false, false, false, 13),
    ('busy', 'Occupé', 'مشغول', 'مشغول', '#eab308', 'attempting', false, false, false, false, false, false, 14),
    ('callback', 'Rappel demandé', 'طلب معاودة الاتصال', 'قال عاود عيطلي', '#3b82f6', 'attempting', true, false, true, false, false, false, 20),
    ('postponed', 'Reportée à une date', 'مؤجلة إلى تاريخ', 'مأجلة لنهار', '#6366f1', 'attempting', true, false, true, false, false, false, 21),
    ('confirmed', 'Confirmée', 'مؤكدة', 'مأكدة', '#16a34a', 'confirmed', true, true, false, false, true, false, 30),
    ('cancelled', 'Annulée par le client', 'ألغاها الزبون', 'الكليان لغاها', '#dc2626', 'failed', true, true, false, true, false, false, 40),
    ('wrong_number', 'Faux numéro', 'رقم خاطئ', 'نيميرو غالط', '#9f1239', 'failed', false, true, false, true, false, false, 41),
    ('unreachable', 'Injoignable', 'لا يمكن الوصول إليه', 'ما يتلحقش', '#be123c', 'failed', false, true, false, false, false, false, 42),
    ('duplicate', 'Doublon', 'طلب مكرر', 'كوموند مكررة', '#7c3aed', 'failed', false, true, false, true, false, false, 43),
    ('abandoned', 'Abandonnée', 'متروكة', 'متروكة', '#475569', 'abandoned', false, true, false, false, false, false, 50);

-- Agents move open orders to any outcome, and through the no-answer steps one at a time; final
-- statuses have no exits (no reopening); abandoning by hand is a supervisor's call.
INSERT INTO status_transitions (from_code, to_code, min_role)
SELECT f.code, t.code, CASE WHEN t.code = 'abandoned' THEN 'supervisor' ELSE 'agent' END
FROM confirmation_statuses f
JOIN confirmation_statuses t ON t.code <> f.code AND NOT t.initial
WHERE NOT f.is_final
  AND (t.code NOT LIKE 'no_answer%'
       OR (f.code, t.code) IN (('new', 'no_answer_1'), ('busy', 'no_answer_1'), ('callback', 'no_answer_1'),
                               ('postponed', 'no_answer_1'), ('no_answer_1', 'no_answer_2'),
                               ('no_answer_2', 'no_answer_3'), ('no_answer_3', 'no_answer_sms')));

UPDATE confirmation_statuses SET line_busy = true WHERE code = 'busy';

INSERT INTO attempt_policy (id) VALUES (true);

CREATE TABLE customers (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    phone            text        NOT NULL,
    name             text        NOT NULL,
    name_normalized  text        NOT NULL,
    locale           text        NOT NULL DEFAULT 'ar-DZ',
    wilaya_code      smallint,
    commune_id       integer,
    address          text        NOT NULL DEFAULT '',
    orders_count     integer     NOT NULL DEFAULT 0,
    confirmed_count  integer     NOT NULL DEFAULT 0,
    delivered_count  integer     NOT NULL DEFAULT 0,
    cancelled_count  integer     NOT NULL DEFAULT 0,
    returned_count   integer     NOT NULL DEFAULT 0,
    total_spent_dzd  bigint      NOT NULL DEFAULT 0,
    last_order_at    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_pkey PRIMARY KEY (id),
    CONSTRAINT customers_phone_check CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT customers_locale_check CHECK (locale IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT customers_wilaya_fkey FOREIGN KEY (wilaya_code) REFERENCES wilayas (code),
    CONSTRAINT customers_commune_fkey FOREIGN KEY (commune_id) REFERENCES communes (id)
);
-- one customer per phone (upsert on order intake)
CREATE UNIQUE INDEX customers_phone_key ON customers (phone);

-- Other phones a customer was reached on.
CREATE TABLE customer_contacts (
    customer_id bigint      NOT NULL,
    phone       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_contacts_pkey PRIMARY KEY (customer_id, phone),
    CONSTRAINT customer_contacts_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
);

CREATE TABLE customer_flags (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint      NOT NULL,
    flag_type   text        NOT NULL,
    reason      text        NOT NULL,
    added_by    bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_flags_pkey PRIMARY KEY (id),
    CONSTRAINT customer_flags_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT customer_flags_added_by_fkey FOREIGN KEY (added_by) REFERENCES users (id),
    CONSTRAINT customer_flags_type_check
        CHECK (flag_type IN ('fake_order', 'abusive', 'refused_delivery', 'wrong_address', 'blacklisted', 'other')),
    CONSTRAINT customer_flags_reason_check CHECK (length(btrim(reason)) > 0)
);
-- the customer card: a customer's flags
CREATE INDEX customer_flags_customer_idx ON customer_flags (customer_id, created_at DESC);

CREATE TABLE customer_notes (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint      NOT NULL,
    content     text        NOT NULL,
    added_by    bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_notes_pkey PRIMARY KEY (id),
    CONSTRAINT customer_notes_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT customer_notes_added_by_fkey FOREIGN KEY (added_by) REFERENCES users (id),
    CONSTRAINT customer_notes_content_check CHECK (length(btrim(content)) > 0)
);
-- the customer card: a customer's notes
CREATE INDEX customer_notes_customer_idx ON customer_notes (customer_id, created_at DESC);

CREATE SEQUENCE order_number_seq;

-- BV-<year in Algiers>-<sequence, at least 6 digits> (BV-2026-000123, and BV-2026-1234567 past a million)
CREATE FUNCTION next_order_number() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT 'BV-' || to_char(now() AT TIME ZONE 'Africa/Algiers', 'YYYY') || '-' || lpad(n::text, greatest(6, length(n::text)), '0')
    FROM (SELECT nextval('order_number_seq') AS n) s
$$;

CREATE TABLE orders (
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    -- human number (next_order_number)
    number              text        NOT NULL DEFAULT next_order_number(),
    -- the shop's own reference: intake is idempotent on it
    shop_reference      text,
    -- SHA-256 of the intake request, to tell an honest retry from a reused reference
    intake_hash         bytea,
    customer_id         bigint      NOT NULL,
    -- the customer as typed on this order (the customer row keeps the first spelling)
    customer_name       text        NOT NULL,
    phone               text        NOT NULL,
    total_dzd           bigint      NOT NULL,
    delivery_wilaya     smallint    NOT NULL,
    delivery_commune    integer,
    delivery_address    text        NOT NULL DEFAULT '',
    delivery_type       text        NOT NULL DEFAULT 'home',
    source              text        NOT NULL DEFAULT 'api',
    status              text        NOT NULL,
    priority            text        NOT NULL DEFAULT 'normal',
    -- urgent 0, high 1, normal 2, low 3: lists sort ascending on it, so one index serves a
    -- list and its keyset pages
    priority_order      smallint    GENERATED ALWAYS AS (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1
                                        WHEN 'normal' THEN 2 ELSE 3 END) STORED,
    assigned_agent_id   bigint,
    assigned_at         timestamptz,
    attempts_count      integer     NOT NULL DEFAULT 0,
    unanswered_count    integer     NOT NULL DEFAULT 0,
    last_attempt_at     timestamptz,
    -- when to call next (a callback, or a retry after no answer / busy)
    next_contact_at     timestamptz,
    -- 'me': only the assigned agent calls back; 'anyone': any agent may once it is due
    callback_scope      text,
    -- set when the order reaches a final status; open orders have none
    closed_at           timestamptz,
    version             integer     NOT NULL DEFAULT 1,
    is_duplicate        boolean     NOT NULL DEFAULT false,
    original_order_id   bigint,
    duplicate_score     smallint,
    detection_method    text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_wilaya_fkey FOREIGN KEY (delivery_wilaya) REFERENCES wilayas (code),
    CONSTRAINT orders_commune_fkey FOREIGN KEY (delivery_commune) REFERENCES communes (id),
    CONSTRAINT orders_status_fkey FOREIGN KEY (status) REFERENCES confirmation_statuses (code),
    CONSTRAINT orders_agent_fkey FOREIGN KEY (assigned_agent_id) REFERENCES users (id),
    CONSTRAINT orders_original_fkey FOREIGN KEY (original_order_id) REFERENCES orders (id),
    CONSTRAINT orders_phone_check CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT orders_total_check CHECK (total_dzd >= 0),
    CONSTRAINT orders_priority_check CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    CONSTRAINT orders_delivery_type_check CHECK (delivery_type IN ('home', 'stop_desk')),
    CONSTRAINT orders_callback_scope_check CHECK (callback_scope IS NULL OR callback_scope IN ('me', 'anyone')),
    CONSTRAINT orders_duplicate_score_check CHECK (duplicate_score BETWEEN 0 AND 100)
);
-- human numbers are unique (BV-2026-000123)
CREATE UNIQUE INDEX orders_number_key ON orders (number);
-- idempotent intake: one order per shop reference
CREATE UNIQUE INDEX orders_shop_reference_key ON orders (shop_reference) WHERE shop_reference IS NOT NULL;
-- My queue: an agent's open orders, most urgent first
CREATE INDEX orders_agent_queue_idx ON orders (assigned_agent_id, priority_order, created_at)
    WHERE closed_at IS NULL;
-- My queue: callbacks any agent may take once due
CREATE INDEX orders_anyone_callback_idx ON orders (next_contact_at) WHERE closed_at IS NULL AND callback_scope = 'anyone';
-- pending list: open orders, most urgent and oldest first
CREATE INDEX orders_pending_idx ON orders (priority_order, created_at, id) WHERE closed_at IS NULL;
-- routing: unassigned open orders, most urgent and oldest first
CREATE INDEX orders_unassigned_idx ON orders (priority_order, created_at, id)
    WHERE closed_at IS NULL AND assigned_agent_id IS NULL;
-- customer card: a customer's orders, newest first
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC);
-- pending list filtered by status, or by wilaya, in the list's order
CREATE INDEX orders_pending_status_idx ON orders (status, priority_order, created_at, id) WHERE closed_at IS NULL;
CREATE INDEX orders_pending_wilaya_idx ON orders (delivery_wilaya, priority_order, created_at, id)
    WHERE closed_at IS NULL;

CREATE TABLE order_items (
    order_id       bigint  NOT NULL,
    line           integer NOT NULL,
    sku            text    NOT NULL,
    name           text    NOT NULL,
    quantity       integer NOT NULL,
    unit_price_dzd bigint  NOT NULL,
    CONSTRAINT order_items_pkey PRIMARY KEY (order_id, line),
    CONSTRAINT order_items_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_items_quantity_check CHECK (quantity > 0),
    CONSTRAINT order_items_price_check CHECK (unit_price_dzd >= 0)
);

-- Append-only: every confirmation attempt, never updated, never deleted.
CREATE TABLE confirmation_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    order_id        bigint      NOT NULL,
    agent_id        bigint      NOT NULL,
    method          text        NOT NULL,
    status_before   text        NOT NULL,
    -- what the agent recorded
    result_status   text        NOT NULL,
    -- where the order went (differs when the attempt policy abandons it)
    status_after    text        NOT NULL,
    notes           text        NOT NULL DEFAULT '',
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NOT NULL,
    duration_ms     integer     GENERATED ALWAYS AS ((extract(epoch FROM ended_at - started_at) * 1000)::integer) STORED,
    callback_at     timestamptz,
    callback_scope  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT confirmation_attempts_pkey PRIMARY KEY (id),
    CONSTRAINT confirmation_attempts_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT confirmation_attempts_agent_fkey FOREIGN KEY (agent_id) REFERENCES users (id),
    CONSTRAINT confirmation_attempts_result_fkey FOREIGN KEY (result_status) REFERENCES confirmation_statuses (code),
    CONSTRAINT confirmation_attempts_after_fkey FOREIGN KEY (status_after) REFERENCES confirmation_statuses (code),
    CONSTRAINT confirmation_attempts_method_check CHECK (method IN ('phone', 'sms', 'email', 'whatsapp')),
    CONSTRAINT confirmation_attempts_time_check CHECK (ended_at >= started_at),
    CONSTRAINT confirmation_attempts_scope_check CHECK (callback_scope IS NULL OR callback_scope IN ('me', 'anyone'))
);
-- an order's trail, in order
CREATE INDEX confirmation_attempts_order_idx ON confirmation_attempts (order_id, created_at);
-- an agent's attempts over a period (rankings)
CREATE INDEX confirmation_attempts_agent_idx ON confirmation_attempts (agent_id, created_at);
CREATE TRIGGER confirmation_attempts_append_only BEFORE UPDATE OR DELETE ON confirmation_attempts
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- API tokens for shops and scripts. A token acts as its user (with that user's role); only a
-- SHA-256 of it is stored (computed by PostgreSQL's sha256()).
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    user_id      bigint      NOT NULL,
    name         text        NOT NULL,
    -- the first characters, shown to admins to tell tokens apart
    prefix       text        NOT NULL,
    token_hash   bytea       NOT NULL,
    created_by   bigint      NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT api_tokens_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT api_tokens_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT api_tokens_name_check CHECK (length(btrim(name)) > 0)
);
-- bearer authentication: find a token by its hash
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
