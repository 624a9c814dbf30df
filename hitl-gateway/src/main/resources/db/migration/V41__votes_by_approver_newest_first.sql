-- History filtered by approver reads the votes of that approver newest request first, as the page is ordered:
-- each vote carries its request's created_at (written with the vote, copied from the request here), and the
-- approver's index is ordered by it, so a page stops after its rows instead of joining every vote of the approver.
ALTER TABLE approval_votes ADD COLUMN approval_created_at timestamptz;
UPDATE approval_votes v SET approval_created_at = a.created_at FROM approvals a WHERE a.id = v.approval_id;
ALTER TABLE approval_votes ALTER COLUMN approval_created_at SET NOT NULL;
DROP INDEX approval_votes_by_approver;
CREATE INDEX approval_votes_by_approver ON approval_votes (approver, approval_created_at DESC, approval_id DESC);
