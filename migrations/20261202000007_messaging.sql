-- Messaging: templates per step, channel and language; the outbox every channel sends from;
-- the raw delivery events providers call back with; the shop-wide messaging settings.

CREATE TABLE messaging_settings (
    id                    boolean     NOT NULL DEFAULT true,
    shop_name             text        NOT NULL DEFAULT 'EcoManager',
    default_language      text        NOT NULL DEFAULT 'fr',
    -- quiet hours, minutes after midnight Africa/Algiers: nothing is sent from start to end
    quiet_start_minute    integer     NOT NULL DEFAULT 1260,
    quiet_end_minute      integer     NOT NULL DEFAULT 480,
    friday_pause          boolean     NOT NULL DEFAULT true,
    -- the tariff when a provider gives no price: centimes of DZD per segment
    gsm_segment_centimes  bigint      NOT NULL DEFAULT 600,
    ucs2_segment_centimes bigint      NOT NULL DEFAULT 600,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messaging_settings_pkey PRIMARY KEY (id),
    CONSTRAINT messaging_settings_single CHECK (id),
    CONSTRAINT messaging_settings_language_check CHECK (default_language IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT messaging_settings_quiet_check CHECK (quiet_start_minute BETWEEN 0 AND 1439 AND quiet_end_minute BETWEEN 0 AND 1439),
    CONSTRAINT messaging_settings_tariff_check CHECK (gsm_segment_centimes >= 0 AND ucs2_segment_centimes >= 0)
);
INSERT INTO messaging_settings DEFAULT VALUES;

-- Whether a step sends on a channel at all.
CREATE TABLE message_steps (
    step       text        NOT NULL,
    channel    text        NOT NULL,
    enabled    boolean     NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_steps_pkey PRIMARY KEY (step, channel),
    CONSTRAINT message_steps_channel_check CHECK (channel IN ('sms', 'whatsapp', 'email'))
);

CREATE TABLE message_templates (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    step       text        NOT NULL,
    channel    text        NOT NULL,
    language   text        NOT NULL,
    body       text        NOT NULL,
    updated_by bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_templates_pkey PRIMARY KEY (id),
    CONSTRAINT message_templates_step_channel_language_key UNIQUE (step, channel, language),
    CONSTRAINT message_templates_step_fkey FOREIGN KEY (step, channel) REFERENCES message_steps (step, channel),
    CONSTRAINT message_templates_language_check CHECK (language IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT message_templates_body_check CHECK (char_length(body) BETWEEN 1 AND 1000),
    CONSTRAINT message_templates_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id)
);

-- The outbox. A row is written in the transaction of the change that causes it; its unique key
-- (order, step, channel, occurrence) keeps a retried request from queueing it twice. Workers
-- claim due rows with FOR UPDATE SKIP LOCKED and a lease, and commit the claim before calling
-- the provider with the row id as the client reference.
CREATE TABLE messages (
    id                bigint      GENERATED ALWAYS AS IDENTITY,
    order_id          bigint,
    customer_id       bigint      NOT NULL,
    step              text        NOT NULL,
    channel           text        NOT NULL,
    -- which time this step is sent for this order: the attempt's ordinal, 0 for order events
    occurrence        integer     NOT NULL,
    language          text        NOT NULL,
    -- the customer's language had no template: sent in the shop's default language
    language_fallback boolean     NOT NULL DEFAULT false,
    recipient         text        NOT NULL,
    body              text        NOT NULL,
    encoding          text        NOT NULL,
    segments          integer     NOT NULL,
    status            text        NOT NULL DEFAULT 'queued',
    provider          text,
    provider_ref      text,
    tries             integer     NOT NULL DEFAULT 0,
    next_try_at       timestamptz NOT NULL DEFAULT now(),
    lease_owner       text,
    lease_until       timestamptz,
    cost_centimes     bigint,
    error             text,
    created_by        bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    final_at          timestamptz,
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_occurrence_key UNIQUE (order_id, step, channel, occurrence),
    CONSTRAINT messages_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT messages_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT messages_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT messages_channel_check CHECK (channel IN ('sms', 'whatsapp', 'email')),
    CONSTRAINT messages_language_check CHECK (language IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT messages_encoding_check CHECK (encoding IN ('GSM-7', 'UCS-2', 'text')),
    CONSTRAINT messages_status_check CHECK (status IN
        ('queued', 'sending', 'sent', 'delivered', 'failed', 'undelivered', 'expired', 'unknown')),
    CONSTRAINT messages_cost_check CHECK (cost_centimes IS NULL OR cost_centimes >= 0)
);
-- the workers' claim: due queued rows, and sending rows whose lease ran out
CREATE INDEX messages_due_idx ON messages (next_try_at) WHERE status = 'queued';
CREATE INDEX messages_lease_idx ON messages (lease_until) WHERE status = 'sending';
-- an order's history; the 72-hour sweep of sent rows
CREATE INDEX messages_order_idx ON messages (order_id, created_at);
CREATE INDEX messages_sent_idx ON messages (sent_at) WHERE status = 'sent';
-- a provider's callbacks find their message
CREATE INDEX messages_provider_ref_idx ON messages (provider, provider_ref) WHERE provider_ref IS NOT NULL;

-- What providers called back with, stored raw and append-only before anything is applied.
CREATE TABLE message_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    provider    text        NOT NULL,
    message_id  bigint,
    provider_ref text,
    status      text,
    -- the provider's identity of the event (ref + status + part): a repeated callback is stored once
    dedup_key   text        NOT NULL,
    raw         jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_events_pkey PRIMARY KEY (id),
    CONSTRAINT message_events_dedup_key UNIQUE (provider, dedup_key),
    CONSTRAINT message_events_message_fkey FOREIGN KEY (message_id) REFERENCES messages (id)
);
CREATE INDEX message_events_message_idx ON message_events (message_id);

-- The mock provider's own store (development): what it "sent", so it can answer lookups.
CREATE TABLE mock_provider_messages (
    client_ref  text        NOT NULL,
    provider_ref text       NOT NULL,
    recipient   text        NOT NULL,
    body        text        NOT NULL,
    segments    integer     NOT NULL,
    status      text        NOT NULL,
    -- how many times it was handed this client reference (a resend is idempotent, but counted)
    sends       integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mock_provider_messages_pkey PRIMARY KEY (client_ref)
);

-- Default steps and SMS templates for the Algerian status set, in the three languages.
INSERT INTO message_steps (step, channel, enabled) VALUES
    ('order_received', 'sms', false),
    ('confirmed', 'sms', true),
    ('no_answer_sms', 'sms', true),
    ('postponed', 'sms', true),
    ('callback', 'sms', true),
    ('shipped_soon', 'sms', false),
    ('reminder', 'sms', true);

INSERT INTO message_templates (step, channel, language, body) VALUES
    ('order_received', 'sms', 'fr', 'Bonjour {{customerName}}, nous avons bien reçu votre commande {{orderNumber}} ({{total}}). Nous vous appelons pour la confirmer. {{shopName}}'),
    ('order_received', 'sms', 'ar', 'مرحبا {{customerName}}، استلمنا طلبك رقم {{orderNumber}} ({{total}}). سنتصل بك لتأكيده. {{shopName}}'),
    ('order_received', 'sms', 'ar-DZ', 'صحة {{customerName}}، وصلتنا الكوموند {{orderNumber}} ({{total}}). راح نعيطولك باش نأكدوها. {{shopName}}'),
    ('confirmed', 'sms', 'fr', 'Bonjour {{customerName}}, votre commande {{orderNumber}} de {{total}} est confirmée. Livraison prévue le {{deliveryDate}}. Merci ! {{shopName}}'),
    ('confirmed', 'sms', 'ar', 'مرحبا {{customerName}}، تم تأكيد طلبك رقم {{orderNumber}} بمبلغ {{total}}. التسليم المتوقع يوم {{deliveryDate}}. شكرا! {{shopName}}'),
    ('confirmed', 'sms', 'ar-DZ', 'صحة {{customerName}}، الكوموند {{orderNumber}} ب {{total}} تأكدت. توصلك نهار {{deliveryDate}}. يعطيك الصحة! {{shopName}}'),
    ('no_answer_sms', 'sms', 'fr', 'Bonjour {{customerName}}, nous avons essayé de vous joindre pour votre commande {{orderNumber}} ({{total}}). Nous vous rappelons bientôt. {{shopName}}'),
    ('no_answer_sms', 'sms', 'ar', 'مرحبا {{customerName}}، حاولنا الاتصال بك بخصوص طلبك رقم {{orderNumber}} ({{total}}). سنعاود الاتصال قريبا. {{shopName}}'),
    ('no_answer_sms', 'sms', 'ar-DZ', 'صحة {{customerName}}، عيطنالك على الكوموند {{orderNumber}} ({{total}}) وما رديتش. نعاودو نعيطولك. {{shopName}}'),
    ('postponed', 'sms', 'fr', 'Bonjour {{customerName}}, votre commande {{orderNumber}} est reportée au {{rescheduleTime}}. {{shopName}}'),
    ('postponed', 'sms', 'ar', 'مرحبا {{customerName}}، تم تأجيل طلبك رقم {{orderNumber}} إلى {{rescheduleTime}}. {{shopName}}'),
    ('postponed', 'sms', 'ar-DZ', 'صحة {{customerName}}، الكوموند {{orderNumber}} تأجلت ل {{rescheduleTime}}. {{shopName}}'),
    ('callback', 'sms', 'fr', 'Bonjour {{customerName}}, comme convenu nous vous rappelons le {{rescheduleTime}} pour la commande {{orderNumber}}. {{shopName}}'),
    ('callback', 'sms', 'ar', 'مرحبا {{customerName}}، كما اتفقنا سنتصل بك يوم {{rescheduleTime}} بخصوص الطلب {{orderNumber}}. {{shopName}}'),
    ('callback', 'sms', 'ar-DZ', 'صحة {{customerName}}، كيما اتفقنا نعيطولك {{rescheduleTime}} على الكوموند {{orderNumber}}. {{shopName}}'),
    ('shipped_soon', 'sms', 'fr', 'Bonjour {{customerName}}, votre commande {{orderNumber}} part bientôt chez le livreur. Prévoyez {{total}} à la livraison. {{shopName}}'),
    ('shipped_soon', 'sms', 'ar', 'مرحبا {{customerName}}، طلبك رقم {{orderNumber}} سيسلم قريبا لعامل التوصيل. جهز {{total}} عند الاستلام. {{shopName}}'),
    ('shipped_soon', 'sms', 'ar-DZ', 'صحة {{customerName}}، الكوموند {{orderNumber}} راهي خارجة مع الليفرور. وجد {{total}} كي توصلك. {{shopName}}'),
    ('reminder', 'sms', 'fr', 'Bonjour {{customerName}}, nous n''arrivons pas à vous joindre pour la commande {{orderNumber}} ({{total}}). Elle sera annulée sans nouvelles. {{shopName}}'),
    ('reminder', 'sms', 'ar', 'مرحبا {{customerName}}، لم نتمكن من الوصول إليك بخصوص الطلب {{orderNumber}} ({{total}}). سيلغى الطلب دون رد. {{shopName}}'),
    ('reminder', 'sms', 'ar-DZ', 'صحة {{customerName}}، ما قدرناش نحكموك على الكوموند {{orderNumber}} ({{total}}). إذا ما رديتش تتلغى. {{shopName}}');

-- The no-answer reminder: the attempt ordinal an order was last reminded at (once per step).
ALTER TABLE orders ADD COLUMN reminded_at_attempt integer NOT NULL DEFAULT 0;
-- the reminders job's scan: open orders whose last attempt went unanswered
CREATE INDEX orders_reminder_idx ON orders (last_attempt_at) WHERE closed_at IS NULL AND attempts_count > reminded_at_attempt;
