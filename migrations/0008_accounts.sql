CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"server_admin" boolean DEFAULT false NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "accounts_name_unique" UNIQUE("name"),
	CONSTRAINT "accounts_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "accounts_name_nonempty" CHECK (length("accounts"."name") > 0),
	CONSTRAINT "accounts_name_chars" CHECK ("accounts"."name" ~ '^[A-Za-z0-9._@-]+$')
);
--> statement-breakpoint
CREATE TABLE "study_roles" (
	"study_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" text NOT NULL,
	"granted_by" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "study_roles_study_id_account_id_pk" PRIMARY KEY("study_id","account_id"),
	CONSTRAINT "study_roles_role" CHECK ("study_roles"."role" in ('owner','viewer'))
);
--> statement-breakpoint
ALTER TABLE "study_roles" ADD CONSTRAINT "study_roles_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_roles" ADD CONSTRAINT "study_roles_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "study_roles_account_idx" ON "study_roles" USING btree ("account_id");--> statement-breakpoint
-- Each admin token becomes a server-admin account: the oldest is 'admin', any other 'admin-<id>'.
INSERT INTO "accounts" ("name", "server_admin", "token_hash", "created_at")
SELECT CASE WHEN row_number() OVER (ORDER BY "created_at", "id") = 1 THEN 'admin'
            ELSE 'admin-' || left("id"::text, 8) END,
       true, "token_hash", "created_at"
FROM "admin_tokens";
