CREATE TABLE "output_scans" (
	"output_id" uuid PRIMARY KEY NOT NULL,
	"study_id" uuid NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "output_scans" ADD CONSTRAINT "output_scans_output_id_outputs_id_fk" FOREIGN KEY ("output_id") REFERENCES "public"."outputs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "output_scans" ADD CONSTRAINT "output_scans_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "output_scans_study_idx" ON "output_scans" USING btree ("study_id");