-- The platform manifest a scan of an image index read: a pull of that manifest by digest is judged by the index's state.
CREATE TABLE image_children (
  registry  VARCHAR(200) NOT NULL,
  child     VARCHAR(200) NOT NULL,
  parent    VARCHAR(200) NOT NULL,
  PRIMARY KEY (registry, child, parent)
);
