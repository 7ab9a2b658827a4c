-- The foreign keys of V5, checked against the rows that exist (new writes are checked since V5).
ALTER TABLE cmk_versions VALIDATE CONSTRAINT cmk_versions_root_fk;
ALTER TABLE credentials VALIDATE CONSTRAINT credentials_root_fk;
