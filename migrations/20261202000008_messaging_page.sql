-- The supervisors' messaging page reads messages by period (newest first) and counts the
-- unknown ones to resolve.
CREATE INDEX messages_created_idx ON messages (created_at DESC, id DESC);
CREATE INDEX messages_unknown_idx ON messages (id) WHERE status = 'unknown';

-- Three French defaults went UCS-2 (twice the parts) for a single ô or ç: they now say the same
-- in GSM-7. A template the shop already changed is left as it is.
UPDATE message_templates SET body = 'Bonjour {{customerName}}, nous avons bien enregistré votre commande {{orderNumber}} ({{total}}). Nous vous appelons pour la confirmer. {{shopName}}'
WHERE step = 'order_received' AND channel = 'sms' AND language = 'fr'
  AND body = 'Bonjour {{customerName}}, nous avons bien reçu votre commande {{orderNumber}} ({{total}}). Nous vous appelons pour la confirmer. {{shopName}}';
UPDATE message_templates SET body = 'Bonjour {{customerName}}, nous avons essayé de vous joindre pour votre commande {{orderNumber}} ({{total}}). Nous vous rappelons très vite. {{shopName}}'
WHERE step = 'no_answer_sms' AND channel = 'sms' AND language = 'fr'
  AND body = 'Bonjour {{customerName}}, nous avons essayé de vous joindre pour votre commande {{orderNumber}} ({{total}}). Nous vous rappelons bientôt. {{shopName}}';
UPDATE message_templates SET body = 'Bonjour {{customerName}}, votre commande {{orderNumber}} part très vite chez le livreur. Prévoyez {{total}} à la livraison. {{shopName}}'
WHERE step = 'shipped_soon' AND channel = 'sms' AND language = 'fr'
  AND body = 'Bonjour {{customerName}}, votre commande {{orderNumber}} part bientôt chez le livreur. Prévoyez {{total}} à la livraison. {{shopName}}';

-- The messaging page's filter, written once for its list and every sum: a plain SQL function,
-- which the planner inlines (the index on created_at still serves).
CREATE FUNCTION outbox_messages(p_status text, p_step text, p_provider text, p_from timestamptz, p_to timestamptz)
RETURNS SETOF messages
LANGUAGE sql STABLE AS $$
    SELECT * FROM messages
    WHERE (p_status IS NULL OR status = p_status) AND (p_step IS NULL OR step = p_step)
      AND (p_provider IS NULL OR provider = p_provider) AND created_at >= p_from AND created_at < p_to
$$;
