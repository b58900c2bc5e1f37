-- Account rows are updated on every transfer. Leaving half of each page free lets PostgreSQL
-- update them in place (HOT updates: no new index entries), which keeps batches fast.
ALTER TABLE ledger_account SET (fillfactor = 50);
