ALTER TABLE "imports" DROP CONSTRAINT "imports_format";--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_format" CHECK ("imports"."format" in ('jsonl','json','csv','parquet'));