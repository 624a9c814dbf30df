-- Limit raises granted by limit-override approvals live in the journal (action limit_raised, target = the
-- raise's policy, limit and key); every create under a policy with limits looks its keys up here.
CREATE INDEX journal_limit_raises ON journal (target, created_at) WHERE action = 'limit_raised';
