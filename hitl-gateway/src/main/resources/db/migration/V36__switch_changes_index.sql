-- Every trade create checks the switch rows on its scopes against their last engage or lift in the journal
-- (target = the scope, "venue:XNAS"): one index probe per scope.
CREATE INDEX journal_switch_changes ON journal (target, seq) WHERE action IN ('switch_engaged', 'switch_lifted');
