-- The address of the organisation's own product: members find a link to
-- it on their home page, their way on after joining. NULL: no link.
-- The server checks the form (an absolute http or https address without
-- credentials); the length cap keeps a row's size bounded whatever wrote it.
ALTER TABLE organisations ADD COLUMN product_url text
    CHECK (char_length(product_url) BETWEEN 1 AND 2048);
