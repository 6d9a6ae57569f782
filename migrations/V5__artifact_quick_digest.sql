-- A cheap fingerprint of each artifact, checked before it is reused: every file's path and size, and the bytes
-- of its small files (manifests, configs). NULL for artifacts recorded before it existed; the full content hash is
-- checked for those once, and the fingerprint filled in.
ALTER TABLE artifacts ADD COLUMN quick_digest TEXT;
