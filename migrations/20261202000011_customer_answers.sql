-- A customer's own answer (a WhatsApp button: confirm, cancel, reschedule) is an entry of the
-- order's trail, with no agent: the agent sees it among the attempts. It moves nothing (status
-- before, result and after are the order's status); only a call needs an agent.
ALTER TABLE confirmation_attempts ALTER COLUMN agent_id DROP NOT NULL;
ALTER TABLE confirmation_attempts ADD CONSTRAINT confirmation_attempts_agent_check
    CHECK (agent_id IS NOT NULL OR method <> 'phone');
