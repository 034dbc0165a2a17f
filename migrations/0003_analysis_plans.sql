CREATE TABLE "analysis_plans" (
	"study_id" uuid PRIMARY KEY NOT NULL,
	"plan" jsonb NOT NULL,
	"sha256" text NOT NULL,
	"forced" boolean DEFAULT false NOT NULL,
	"verdicts_at_lock" integer DEFAULT 0 NOT NULL,
	"locked_by" text NOT NULL,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analysis_plans_sha256_hex" CHECK ("analysis_plans"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "analysis_plans_verdicts_nonnegative" CHECK ("analysis_plans"."verdicts_at_lock" >= 0)
);
--> statement-breakpoint
ALTER TABLE "analysis_plans" ADD CONSTRAINT "analysis_plans_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;