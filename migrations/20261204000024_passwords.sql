-- Password change and admin-issued reset links (issue 15, item 11).
--
-- A session remembers the user's session_epoch at login; changing or resetting the password
-- bumps it, so every other session of the user ends at its next request.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- One-time reset links an admin issues (only a SHA-256 of the token is kept).
CREATE TABLE password_resets (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    user_id    bigint      NOT NULL,
    token_hash bytea       NOT NULL,
    created_by bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- used, or replaced by a newer link
    used_at    timestamptz,
    CONSTRAINT password_resets_pkey PRIMARY KEY (id),
    CONSTRAINT password_resets_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT password_resets_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT password_resets_expiry_check CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX password_resets_hash_key ON password_resets (token_hash);
CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE used_at IS NULL;
