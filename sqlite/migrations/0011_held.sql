-- An editor's lists of the published documents the public does not see
-- yet, the most recently added first: those under embargo, and the
-- restricted ones. Each is short beside the archive, and read from its own
-- index, not from a scan of every document. The index leads with state,
-- the same in all its rows, so that the planner, which knows no sizes,
-- prefers it to documents_by_state for an equal state and the order.
CREATE INDEX documents_held_embargoed ON documents (state, created DESC, id DESC)
	WHERE state = 'published' AND released = 0;
CREATE INDEX documents_held_restricted ON documents (state, created DESC, id DESC)
	WHERE state = 'published' AND restricted = 1;
