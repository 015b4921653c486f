CREATE TABLE "import_sources" (
	"content_hash" text COLLATE "C" PRIMARY KEY NOT NULL,
	"kind" text COLLATE "C" NOT NULL,
	"article_id" integer NOT NULL,
	"uri" text COLLATE "C",
	"version" text COLLATE "C",
	"version_created" text COLLATE "C",
	"created_at" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_sources" ADD CONSTRAINT "import_sources_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_sources_uri_idx" ON "import_sources" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "import_sources_article_idx" ON "import_sources" USING btree ("article_id");