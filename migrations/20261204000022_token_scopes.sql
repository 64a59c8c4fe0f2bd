-- API tokens get scopes, an expiry and a revoker (issue 15, item 9). A token used to act as its
-- user with the user's whole role, forever: a shop's token could read every customer and change
-- the product. Now each token says what it may do; `full` keeps the old behaviour for an admin's
-- own scripts and must be chosen on purpose. Tokens issued before get `full` and expire 90 days
-- from this migration, so the admin has time to issue narrow ones.
ALTER TABLE api_tokens
    ADD COLUMN scopes     text[] NOT NULL DEFAULT '{full}',
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN revoked_by bigint,
    ADD CONSTRAINT api_tokens_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES users (id);
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens
    ALTER COLUMN scopes DROP DEFAULT,
    ALTER COLUMN expires_at SET NOT NULL,
    ADD CONSTRAINT api_tokens_scopes_check
        CHECK (cardinality(scopes) > 0
               AND scopes <@ ARRAY['full', 'orders:write', 'deliveries:write', 'reports:read']::text[]),
    ADD CONSTRAINT api_tokens_expiry_check CHECK (expires_at > created_at);
