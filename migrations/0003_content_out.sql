CREATE TABLE `change_feed_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`purged_through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource` text NOT NULL,
	`resource_id` integer NOT NULL,
	`action` text NOT NULL,
	`slug` text NOT NULL,
	`bureau_slug` text,
	`published_at` text,
	`changed_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `changes_resource_idx` ON `changes` (`resource`,`resource_id`);--> statement-breakpoint
CREATE INDEX `changes_action_changed_idx` ON `changes` (`action`,`changed_at`);--> statement-breakpoint
CREATE INDEX `articles_sitemap_idx` ON `articles` (`status`,`id`,`published_at`,`updated_at`,`slug`,`bureau_id`);