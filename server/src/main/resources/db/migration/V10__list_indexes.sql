-- Lists newest first without sorting every row: the images (all, or in one state) and the stored assessments.
CREATE INDEX images_updated ON images (updated_at DESC, digest);
CREATE INDEX images_state_updated ON images (state, updated_at DESC, digest);
CREATE INDEX assessments_scanned ON assessments (scanned_at DESC);
