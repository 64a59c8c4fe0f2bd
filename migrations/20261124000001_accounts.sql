-- Accounts, roles, login attempts, web sessions and the append-only audit log.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY,
    email         text        NOT NULL,
    name          text        NOT NULL,
    role          text        NOT NULL,
    locale        text        NOT NULL DEFAULT 'fr',
    password_hash text        NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'agent')),
    CONSTRAINT users_locale_check CHECK (locale IN ('fr', 'ar', 'ar-DZ')),
    CONSTRAINT users_email_check CHECK (email = lower(email) AND position('@' IN email) > 1),
    CONSTRAINT users_name_check CHECK (length(btrim(name)) > 0)
);
-- login: look a user up by e-mail; also keeps e-mails unique.
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Every login attempt, kept for rate limiting (per e-mail and per IP, across app instances) and
-- for security review.
CREATE TABLE login_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    email      text        NOT NULL,
    ip         text,
    succeeded  boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT login_attempts_pkey PRIMARY KEY (id)
);
-- rate limit: recent failures for one e-mail / one IP.
CREATE INDEX login_attempts_email_recent_idx ON login_attempts (email, created_at) WHERE NOT succeeded;
CREATE INDEX login_attempts_ip_recent_idx ON login_attempts (ip, created_at) WHERE NOT succeeded;

-- Append-only: who changed what, when, with the row before and after. Written in the same
-- transaction as the change it records.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    actor_id    bigint,
    action      text        NOT NULL,
    entity      text        NOT NULL,
    entity_id   bigint      NOT NULL,
    before      jsonb,
    after       jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_actor_fkey FOREIGN KEY (actor_id) REFERENCES users (id)
);
-- an entity's history, newest first.
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, created_at DESC);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Web sessions (tower-sessions' PostgreSQL store). Created here rather than by the store so every
-- database, test ones included, has it from the migrations alone.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          text        NOT NULL,
    data        bytea       NOT NULL,
    expiry_date timestamptz NOT NULL,
    CONSTRAINT session_pkey PRIMARY KEY (id)
);
