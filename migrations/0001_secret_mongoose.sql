ALTER TABLE "verdicts" ADD COLUMN "reading_ms" integer;--> statement-breakpoint
ALTER TABLE "verdicts" ADD COLUMN "wall_ms" integer;--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_reading_ms" CHECK ("verdicts"."reading_ms" is null or "verdicts"."reading_ms" >= 0);--> statement-breakpoint
ALTER TABLE "verdicts" ADD CONSTRAINT "verdicts_wall_ms" CHECK ("verdicts"."wall_ms" is null or "verdicts"."wall_ms" >= 0);