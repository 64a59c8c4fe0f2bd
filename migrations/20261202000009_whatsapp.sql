-- WhatsApp: every SMS step gets a WhatsApp twin, off until the shop has WhatsApp Cloud set up
-- (WHATSAPP_TOKEN and the rest), with the SMS texts to start from. The text goes as the one
-- variable of the shop's approved template, whose buttons are Confirm, Cancel and Reschedule.
INSERT INTO message_steps (step, channel, enabled)
SELECT step, 'whatsapp', false FROM message_steps WHERE channel = 'sms'
ON CONFLICT DO NOTHING;

INSERT INTO message_templates (step, channel, language, body)
SELECT step, 'whatsapp', language, body FROM message_templates WHERE channel = 'sms'
ON CONFLICT DO NOTHING;

-- A report can come before the send is acknowledged (Twilio and WhatsApp name messages by their
-- own reference, learnt at the acknowledgement): it is kept without a message, and each send
-- looks for such reports by its reference. They are rare, so the index is small.
CREATE INDEX message_events_orphan_idx ON message_events (provider, provider_ref) WHERE message_id IS NULL;
