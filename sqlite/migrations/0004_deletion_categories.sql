-- The categories of a withdrawn document, so that harvesters of a category
-- learn of its deletion.
ALTER TABLE deletions ADD COLUMN categories TEXT NOT NULL DEFAULT '[]'; -- a JSON array
