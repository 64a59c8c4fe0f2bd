-- E-mail: a customer's address (from the shop's order, when it has one), and every SMS step gets an
-- e-mail twin, off until the shop has SMTP set up (SMTP_URL, SMTP_FROM), with the SMS texts to
-- start from. An e-mail's subject is written at enqueue, in the customer's language.
ALTER TABLE customers ADD COLUMN email text;
ALTER TABLE customers ADD CONSTRAINT customers_email_check
    CHECK (email IS NULL OR (char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1));

ALTER TABLE messages ADD COLUMN subject text;

INSERT INTO message_steps (step, channel, enabled)
SELECT step, 'email', false FROM message_steps WHERE channel = 'sms'
ON CONFLICT DO NOTHING;

INSERT INTO message_templates (step, channel, language, body)
SELECT step, 'email', language, body FROM message_templates WHERE channel = 'sms'
ON CONFLICT DO NOTHING;
