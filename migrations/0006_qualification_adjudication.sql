CREATE TABLE "adjudications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"comparison_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"judge_id" uuid NOT NULL,
	"status" text DEFAULT 'leased' NOT NULL,
	"shown_left" text NOT NULL,
	"leased_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone,
	"winner" text,
	"reason" text,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adjudications_comparison" UNIQUE("comparison_id"),
	CONSTRAINT "adjudications_status" CHECK ("adjudications"."status" in ('leased','done')),
	CONSTRAINT "adjudications_shown_left" CHECK ("adjudications"."shown_left" in ('a','b')),
	CONSTRAINT "adjudications_winner" CHECK ("adjudications"."winner" is null or "adjudications"."winner" in ('a','b','tie')),
	CONSTRAINT "adjudications_done" CHECK (("adjudications"."status" = 'done') = ("adjudications"."winner" is not null and "adjudications"."reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "judge_standing" (
	"judge_id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"qualified_at" timestamp with time zone,
	"held_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"adjudicator" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qualification_settings" (
	"study_id" uuid PRIMARY KEY NOT NULL,
	"required" boolean DEFAULT false NOT NULL,
	"pass_mark" real DEFAULT 0.8 NOT NULL,
	"max_attempts" smallint DEFAULT 2 NOT NULL,
	"adjudication_rule" text DEFAULT 'off' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qualification_pass_mark" CHECK ("qualification_settings"."pass_mark" > 0 and "qualification_settings"."pass_mark" <= 1),
	CONSTRAINT "qualification_max_attempts" CHECK ("qualification_settings"."max_attempts" >= 1),
	CONSTRAINT "qualification_adjudication_rule" CHECK ("qualification_settings"."adjudication_rule" in ('off','no_majority','any_disagreement'))
);
--> statement-breakpoint
CREATE TABLE "training_answers" (
	"attempt_id" uuid NOT NULL,
	"training_item_id" uuid NOT NULL,
	"winner" text NOT NULL,
	"correct" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_answers_attempt_id_training_item_id_pk" PRIMARY KEY("attempt_id","training_item_id"),
	CONSTRAINT "training_answers_winner" CHECK ("training_answers"."winner" in ('a','b','tie'))
);
--> statement-breakpoint
CREATE TABLE "training_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"judge_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"number" smallint NOT NULL,
	"total" integer NOT NULL,
	"correct" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"passed" boolean,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_attempts_judge_number" UNIQUE("judge_id","number"),
	CONSTRAINT "training_attempts_number" CHECK ("training_attempts"."number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "training_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"comparison_id" uuid NOT NULL,
	"expected" text NOT NULL,
	"explanation" text NOT NULL,
	"shown_left" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_items_study_comparison" UNIQUE("study_id","comparison_id"),
	CONSTRAINT "training_items_expected" CHECK ("training_items"."expected" in ('a','b','tie')),
	CONSTRAINT "training_items_shown_left" CHECK ("training_items"."shown_left" in ('a','b'))
);
--> statement-breakpoint
ALTER TABLE "adjudications" ADD CONSTRAINT "adjudications_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjudications" ADD CONSTRAINT "adjudications_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjudications" ADD CONSTRAINT "adjudications_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_standing" ADD CONSTRAINT "judge_standing_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_standing" ADD CONSTRAINT "judge_standing_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_settings" ADD CONSTRAINT "qualification_settings_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_answers" ADD CONSTRAINT "training_answers_attempt_id_training_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."training_attempts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_answers" ADD CONSTRAINT "training_answers_training_item_id_training_items_id_fk" FOREIGN KEY ("training_item_id") REFERENCES "public"."training_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attempts" ADD CONSTRAINT "training_attempts_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_attempts" ADD CONSTRAINT "training_attempts_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_items" ADD CONSTRAINT "training_items_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_items" ADD CONSTRAINT "training_items_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adjudications_study_idx" ON "adjudications" USING btree ("study_id","status");--> statement-breakpoint
CREATE INDEX "training_items_study_idx" ON "training_items" USING btree ("study_id","position");