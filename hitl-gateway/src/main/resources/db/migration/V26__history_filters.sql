-- Indexes for the history filters: each filter reads its rows newest first, as the history page does.
CREATE INDEX approvals_by_type_created ON approvals (type, created_at DESC, id DESC);
CREATE INDEX approvals_by_ticker_created ON approvals ((context ->> 'ticker'), created_at DESC, id DESC);
CREATE INDEX approvals_by_decider_created ON approvals (decided_by, created_at DESC, id DESC)
  WHERE decided_by IS NOT NULL;
CREATE INDEX approval_votes_by_approver ON approval_votes (approver, approval_id);
