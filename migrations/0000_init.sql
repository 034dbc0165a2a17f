CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"format" text NOT NULL,
	"records" integer NOT NULL,
	"items_created" integer NOT NULL,
	"outputs_created" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imports_format" CHECK ("imports"."format" in ('jsonl','json','csv'))
);
--> statement-breakpoint
CREATE TABLE "item_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"mime" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"byte_length" integer NOT NULL,
	CONSTRAINT "item_images_item_position" UNIQUE("item_id","position"),
	CONSTRAINT "item_images_position" CHECK ("item_images"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"question" text NOT NULL,
	"reference" text,
	"modality" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"gold" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_study_external" UNIQUE("study_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "outputs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"system_id" uuid NOT NULL,
	"trace" text NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"trace_length" integer NOT NULL,
	"answer_length" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outputs_item_system" UNIQUE("item_id","system_id")
);
--> statement-breakpoint
CREATE TABLE "studies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"axes" jsonb DEFAULT '["perception","medical_knowledge","rationale"]'::jsonb NOT NULL,
	"guidelines" text DEFAULT '' NOT NULL,
	"judges_per_comparison" smallint DEFAULT 1 NOT NULL,
	"lease_seconds" integer DEFAULT 600 NOT NULL,
	"require_axes" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "studies_name_unique" UNIQUE("name"),
	CONSTRAINT "studies_k_positive" CHECK ("studies"."judges_per_comparison" >= 1),
	CONSTRAINT "studies_lease_positive" CHECK ("studies"."lease_seconds" >= 5),
	CONSTRAINT "studies_name_nonempty" CHECK (length("studies"."name") > 0)
);
--> statement-breakpoint
CREATE TABLE "systems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "systems_study_name" UNIQUE("study_id","name"),
	CONSTRAINT "systems_name_nonempty" CHECK (length("systems"."name") > 0)
);
--> statement-breakpoint
CREATE TABLE "admin_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admin_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"comparison_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"slot" smallint NOT NULL,
	"run_id" uuid,
	"shown_left" text NOT NULL,
	"queue_pos" bigint NOT NULL,
	"priority" smallint DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"judge_id" uuid,
	"leased_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assignments_shown_left" CHECK ("assignments"."shown_left" in ('a','b')),
	CONSTRAINT "assignments_status" CHECK ("assignments"."status" in ('open','leased','done')),
	CONSTRAINT "assignments_slot" CHECK ("assignments"."slot" >= 0),
	CONSTRAINT "assignments_lease_consistent" CHECK (("assignments"."status" = 'open') = ("assignments"."judge_id" is null) or "assignments"."status" = 'done')
);
--> statement-breakpoint
CREATE TABLE "comparisons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"system_a_id" uuid NOT NULL,
	"system_b_id" uuid NOT NULL,
	"pairing_id" uuid,
	"opened_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comparisons_item_pair" UNIQUE("item_id","system_a_id","system_b_id"),
	CONSTRAINT "comparisons_distinct_systems" CHECK ("comparisons"."system_a_id" <> "comparisons"."system_b_id")
);
--> statement-breakpoint
CREATE TABLE "judges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text,
	"quota" integer,
	"config" jsonb,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "judges_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "judges_study_kind_name" UNIQUE("study_id","kind","name"),
	CONSTRAINT "judges_kind" CHECK ("judges"."kind" in ('human','llm')),
	CONSTRAINT "judges_quota" CHECK ("judges"."quota" is null or "judges"."quota" >= 0)
);
--> statement-breakpoint
CREATE TABLE "pairings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"seed" text NOT NULL,
	"options" jsonb NOT NULL,
	"comparisons_created" integer NOT NULL,
	"assignments_created" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"comparison_id" uuid NOT NULL,
	"judge_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skips_comparison_judge" UNIQUE("comparison_id","judge_id"),
	CONSTRAINT "skips_reason" CHECK ("skips"."reason" in ('skip','cannot_judge'))
);
--> statement-breakpoint
CREATE TABLE "verdicts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assignment_id" uuid NOT NULL,
	"comparison_id" uuid NOT NULL,
	"judge_id" uuid NOT NULL,
	"winner" text NOT NULL,
	"axes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"strength" smallint,
	"note" text,
	"shown_left" text NOT NULL,
	"leased_at" timestamp with time zone,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "verdicts_assignment_order" UNIQUE("assignment_id","shown_left"),
	CONSTRAINT "verdicts_winner" CHECK ("verdicts"."winner" in ('a','b','tie')),
	CONSTRAINT "verdicts_shown_left" CHECK ("verdicts"."shown_left" in ('a','b')),
	CONSTRAINT "verdicts_strength" CHECK ("verdicts"."strength" is null or "verdicts"."strength" in (1,2))
);
--> statement-breakpoint
CREATE TABLE "llm_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"judge_id" uuid NOT NULL,
	"shown_left" text NOT NULL,
	"outcome" text NOT NULL,
	"cache_key" text,
	"cached" boolean DEFAULT false NOT NULL,
	"raw" text,
	"error" text,
	"http_status" integer,
	"latency_ms" integer,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_attempts_outcome" CHECK ("llm_attempts"."outcome" in ('ok','parse_failed','refused','error')),
	CONSTRAINT "llm_attempts_shown_left" CHECK ("llm_attempts"."shown_left" in ('a','b'))
);
--> statement-breakpoint
CREATE TABLE "llm_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"response" jsonb NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "llm_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"config" jsonb NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"cached_calls" integer DEFAULT 0 NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"reserved_usd" double precision DEFAULT 0 NOT NULL,
	"max_cost_usd" double precision,
	"error" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_runs_status" CHECK ("llm_runs"."status" in ('pending','running','completed','failed','budget_exhausted','cancelled'))
);
--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_images" ADD CONSTRAINT "item_images_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outputs" ADD CONSTRAINT "outputs_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outputs" ADD CONSTRAINT "outputs_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "systems" ADD CONSTRAINT "systems_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_run_id_llm_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."llm_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_system_a_id_systems_id_fk" FOREIGN KEY ("system_a_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_system_b_id_systems_id_fk" FOREIGN KEY ("system_b_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_pairing_id_pairings_id_fk" FOREIGN KEY ("pairing_id") REFERENCES "public"."pairings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judges" ADD CONSTRAINT "judges_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairings" ADD CONSTRAINT "pairings_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skips" ADD CONSTRAINT "skips_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skips" ADD CONSTRAINT "skips_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_attempts" ADD CONSTRAINT "llm_attempts_run_id_llm_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."llm_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_attempts" ADD CONSTRAINT "llm_attempts_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_attempts" ADD CONSTRAINT "llm_attempts_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_runs" ADD CONSTRAINT "llm_runs_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_study_idx" ON "imports" USING btree ("study_id");--> statement-breakpoint
CREATE INDEX "outputs_system_idx" ON "outputs" USING btree ("system_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_comparison_slot_run" ON "assignments" USING btree ("comparison_id","slot",coalesce("run_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_comparison_judge" ON "assignments" USING btree ("comparison_id","judge_id") WHERE "assignments"."judge_id" is not null;--> statement-breakpoint
CREATE INDEX "assignments_queue_idx" ON "assignments" USING btree ("study_id","priority","queue_pos") WHERE "assignments"."run_id" is null and "assignments"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "assignments_run_queue_idx" ON "assignments" USING btree ("run_id","priority","queue_pos") WHERE "assignments"."run_id" is not null and "assignments"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "assignments_leases_idx" ON "assignments" USING btree ("judge_id","status");--> statement-breakpoint
CREATE INDEX "comparisons_study_idx" ON "comparisons" USING btree ("study_id");--> statement-breakpoint
CREATE INDEX "comparisons_system_a_idx" ON "comparisons" USING btree ("system_a_id");--> statement-breakpoint
CREATE INDEX "comparisons_system_b_idx" ON "comparisons" USING btree ("system_b_id");--> statement-breakpoint
CREATE INDEX "comparisons_pairing_idx" ON "comparisons" USING btree ("pairing_id");--> statement-breakpoint
CREATE INDEX "pairings_study_idx" ON "pairings" USING btree ("study_id");--> statement-breakpoint
CREATE INDEX "skips_judge_idx" ON "skips" USING btree ("judge_id");--> statement-breakpoint
CREATE INDEX "verdicts_comparison_idx" ON "verdicts" USING btree ("comparison_id");--> statement-breakpoint
CREATE INDEX "verdicts_judge_idx" ON "verdicts" USING btree ("judge_id");--> statement-breakpoint
CREATE INDEX "llm_attempts_run_idx" ON "llm_attempts" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "llm_attempts_assignment_idx" ON "llm_attempts" USING btree ("assignment_id");--> statement-breakpoint
CREATE INDEX "llm_attempts_judge_idx" ON "llm_attempts" USING btree ("judge_id");--> statement-breakpoint
CREATE INDEX "llm_runs_study_idx" ON "llm_runs" USING btree ("study_id");