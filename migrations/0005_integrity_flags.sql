CREATE TABLE "comparison_holds" (
	"comparison_id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"status" text NOT NULL,
	CONSTRAINT "comparison_holds_status" CHECK ("comparison_holds"."status" in ('held','released','redacted','excluded'))
);
--> statement-breakpoint
CREATE TABLE "integrity_words" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"word" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrity_words_study_word" UNIQUE("study_id","word"),
	CONSTRAINT "integrity_words_nonempty" CHECK (length("integrity_words"."word") > 0)
);
--> statement-breakpoint
CREATE TABLE "output_flags" (
	"output_id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"matches" jsonb NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"redacted_trace" text,
	"redacted_answer" text,
	"decided_at" timestamp with time zone,
	"scanned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "output_flags_status" CHECK ("output_flags"."status" in ('held','released','redacted','excluded')),
	CONSTRAINT "output_flags_redaction" CHECK ("output_flags"."status" <> 'redacted' or ("output_flags"."redacted_trace" is not null and "output_flags"."redacted_answer" is not null))
);
--> statement-breakpoint
ALTER TABLE "comparison_holds" ADD CONSTRAINT "comparison_holds_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparison_holds" ADD CONSTRAINT "comparison_holds_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_words" ADD CONSTRAINT "integrity_words_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "output_flags" ADD CONSTRAINT "output_flags_output_id_outputs_id_fk" FOREIGN KEY ("output_id") REFERENCES "public"."outputs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "output_flags" ADD CONSTRAINT "output_flags_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comparison_holds_study_idx" ON "comparison_holds" USING btree ("study_id");--> statement-breakpoint
CREATE INDEX "output_flags_study_idx" ON "output_flags" USING btree ("study_id","status");