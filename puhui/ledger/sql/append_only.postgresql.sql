-- Transfers are append-only: corrections are new transfers, never edits.
CREATE OR REPLACE FUNCTION ledger_transfer_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transfer_append_only
    BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_refuse_change();
