-- Requests to release a quarantined image by hand: who asked, why, and who approved.
CREATE TABLE releases (
  id             VARCHAR(40)  NOT NULL PRIMARY KEY,
  registry       VARCHAR(200) NOT NULL,
  digest         VARCHAR(200) NOT NULL,
  requester      VARCHAR(300) NOT NULL,
  justification  TEXT         NOT NULL,
  approver       VARCHAR(300),
  state          VARCHAR(30)  NOT NULL,
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL
);
