CREATE TABLE `import_sources` (
	`content_hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`article_id` integer NOT NULL,
	`uri` text,
	`version` text,
	`version_created` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_sources_uri_idx` ON `import_sources` (`uri`);--> statement-breakpoint
CREATE INDEX `import_sources_article_idx` ON `import_sources` (`article_id`);