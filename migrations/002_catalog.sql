-- Catalog sync progress: one row (a single sync runs at a time). A run that
-- stops (Ctrl-C, network loss) leaves next_page pointing at the first page not
-- yet saved, so the next run resumes there; completed_at marks a finished run.

CREATE TABLE catalog_sync (
  id            INT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  target        INT NOT NULL CHECK (target > 0),        -- characters asked for (top N by favourites)
  per_page      INT NOT NULL CHECK (per_page > 0),
  pages         INT NOT NULL CHECK (pages > 0),
  next_page     INT NOT NULL CHECK (next_page >= 1),    -- first page not yet saved
  saved         INT NOT NULL DEFAULT 0,                 -- characters saved by this run so far
  started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at  TIMESTAMPTZ
);

