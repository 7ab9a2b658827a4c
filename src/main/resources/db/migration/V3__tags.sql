-- Tags given at CreateKey (API 3.0), filterable in ListKeyDetail.
CREATE TABLE cmk_tags (
  key_id     UUID NOT NULL REFERENCES cmks(key_id),
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  PRIMARY KEY (key_id, tag_key)
);
CREATE INDEX cmk_tags_lookup ON cmk_tags(tag_key, tag_value);
