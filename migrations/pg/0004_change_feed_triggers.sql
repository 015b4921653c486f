-- The PostgreSQL side of migrations/0003_change_feed_triggers.sql. SQLite has one writer, so
-- a number taken inside the write transaction is already in commit order. Here it is not: a
-- transaction may take seq 11, another 12 and commit first, and a reader that saw 12 would
-- never see 11. So the rows are written by deferred constraint triggers, which run at COMMIT,
-- after a transaction-level advisory lock: from taking a number to committing, one transaction
-- at a time, and the lock is held only for that instant (as content_version_bump does).
INSERT INTO change_feed_state (id, purged_through) VALUES (1, 0);
--> statement-breakpoint
INSERT INTO changes (resource, resource_id, action, slug, changed_at)
  SELECT 'bureau', id, 'published', slug, updated_at FROM bureaus ORDER BY id;
--> statement-breakpoint
INSERT INTO changes (resource, resource_id, action, slug, changed_at)
  SELECT 'author', id, 'published', slug, updated_at FROM authors ORDER BY id;
--> statement-breakpoint
INSERT INTO changes (resource, resource_id, action, slug, changed_at)
  SELECT 'tag', id, 'published', slug, updated_at FROM tags ORDER BY id;
--> statement-breakpoint
INSERT INTO changes (resource, resource_id, action, slug, bureau_slug, published_at, changed_at)
  SELECT 'article', a.id, 'published', a.slug, b.slug, a.published_at, a.updated_at
  FROM articles a JOIN bureaus b ON b.id = a.bureau_id
  WHERE a.status = 'published' AND a.announced_at IS NOT NULL ORDER BY a.id;
--> statement-breakpoint
CREATE FUNCTION changes_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := TG_ARGV[0];
  r record;
  act text;
  was_live boolean := false;
  is_live boolean := false;
  at text := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF kind = 'article' THEN
    IF TG_OP <> 'INSERT' THEN was_live := OLD.status = 'published' AND OLD.announced_at IS NOT NULL; END IF;
    IF TG_OP <> 'DELETE' THEN is_live := NEW.status = 'published' AND NEW.announced_at IS NOT NULL; END IF;
    IF NOT was_live AND NOT is_live THEN RETURN NULL; END IF;
    act := CASE
      WHEN TG_OP = 'DELETE' THEN 'deleted'
      WHEN NOT is_live THEN (CASE WHEN r.status = 'archived' THEN 'archived' ELSE 'unpublished' END)
      WHEN was_live THEN 'updated'
      ELSE 'published' END;
  ELSE
    act := CASE TG_OP WHEN 'DELETE' THEN 'deleted' WHEN 'INSERT' THEN 'published' ELSE 'updated' END;
  END IF;
  -- Commit order: from this number to COMMIT, one transaction at a time.
  PERFORM pg_advisory_xact_lock(hashtext('dateline.changes'));
  DELETE FROM changes WHERE resource = kind AND resource_id = r.id;
  IF kind = 'article' THEN
    INSERT INTO changes (resource, resource_id, action, slug, bureau_slug, published_at, changed_at)
      VALUES ('article', r.id, act, r.slug, (SELECT slug FROM bureaus WHERE id = r.bureau_id), r.published_at, at);
  ELSE
    INSERT INTO changes (resource, resource_id, action, slug, changed_at) VALUES (kind, r.id, act, r.slug, at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER articles_changes AFTER INSERT OR UPDATE OR DELETE ON articles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_record('article');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER bureaus_changes AFTER INSERT OR UPDATE OR DELETE ON bureaus
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_record('bureau');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER authors_changes AFTER INSERT OR UPDATE OR DELETE ON authors
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_record('author');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER tags_changes AFTER INSERT OR UPDATE OR DELETE ON tags
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_record('tag');
