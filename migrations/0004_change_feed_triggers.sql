-- The change feed (see `changes` in src/db/schema.ts), kept by triggers in the transaction
-- of each write, whoever writes. An article is public once it is published and announced
-- (announced_at is set when its publish time has come: at once, or by the scheduler), so a
-- scheduled article enters the feed when it goes live, not when it was scheduled.
-- An item's old row is deleted and a new one inserted (a new seq) rather than INSERT OR
-- REPLACE: a trigger run by a foreign-key action (authors.bureau_id SET NULL) applies the
-- outer ABORT policy, and the REPLACE would fail on the unique (resource, resource_id).
INSERT INTO change_feed_state (id, purged_through) VALUES (1, 0);
--> statement-breakpoint
-- What is public now, oldest first, so an existing database starts with a complete feed.
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
  FROM articles a JOIN bureaus b ON b.id = a.bureau_id WHERE a.status = 'published' AND a.announced_at IS NOT NULL ORDER BY a.id;
--> statement-breakpoint
CREATE TRIGGER articles_changes_insert AFTER INSERT ON articles WHEN new.status = 'published' AND new.announced_at IS NOT NULL BEGIN
  DELETE FROM changes WHERE resource = 'article' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, bureau_slug, published_at, changed_at)
    VALUES ('article', new.id, 'published', new.slug, (SELECT slug FROM bureaus WHERE id = new.bureau_id), new.published_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER articles_changes_update AFTER UPDATE ON articles
WHEN (new.status = 'published' AND new.announced_at IS NOT NULL) OR (old.status = 'published' AND old.announced_at IS NOT NULL) BEGIN
  DELETE FROM changes WHERE resource = 'article' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, bureau_slug, published_at, changed_at)
    VALUES ('article', new.id, CASE WHEN NOT (new.status = 'published' AND new.announced_at IS NOT NULL) THEN (CASE new.status WHEN 'archived' THEN 'archived' ELSE 'unpublished' END) WHEN old.status = 'published' AND old.announced_at IS NOT NULL THEN 'updated' ELSE 'published' END, new.slug, (SELECT slug FROM bureaus WHERE id = new.bureau_id), new.published_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER articles_changes_delete AFTER DELETE ON articles WHEN old.status = 'published' AND old.announced_at IS NOT NULL BEGIN
  DELETE FROM changes WHERE resource = 'article' AND resource_id = old.id;
  INSERT INTO changes (resource, resource_id, action, slug, bureau_slug, published_at, changed_at)
    VALUES ('article', old.id, 'deleted', old.slug, (SELECT slug FROM bureaus WHERE id = old.bureau_id), old.published_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_changes_insert AFTER INSERT ON bureaus BEGIN
  DELETE FROM changes WHERE resource = 'bureau' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('bureau', new.id, 'published', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_changes_update AFTER UPDATE ON bureaus BEGIN
  DELETE FROM changes WHERE resource = 'bureau' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('bureau', new.id, 'updated', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_changes_delete AFTER DELETE ON bureaus BEGIN
  DELETE FROM changes WHERE resource = 'bureau' AND resource_id = old.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('bureau', old.id, 'deleted', old.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER authors_changes_insert AFTER INSERT ON authors BEGIN
  DELETE FROM changes WHERE resource = 'author' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('author', new.id, 'published', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER authors_changes_update AFTER UPDATE ON authors BEGIN
  DELETE FROM changes WHERE resource = 'author' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('author', new.id, 'updated', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER authors_changes_delete AFTER DELETE ON authors BEGIN
  DELETE FROM changes WHERE resource = 'author' AND resource_id = old.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('author', old.id, 'deleted', old.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER tags_changes_insert AFTER INSERT ON tags BEGIN
  DELETE FROM changes WHERE resource = 'tag' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('tag', new.id, 'published', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER tags_changes_update AFTER UPDATE ON tags BEGIN
  DELETE FROM changes WHERE resource = 'tag' AND resource_id = new.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('tag', new.id, 'updated', new.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
--> statement-breakpoint
CREATE TRIGGER tags_changes_delete AFTER DELETE ON tags BEGIN
  DELETE FROM changes WHERE resource = 'tag' AND resource_id = old.id;
  INSERT INTO changes (resource, resource_id, action, slug, changed_at)
    VALUES ('tag', old.id, 'deleted', old.slug, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
