-- Transfers are append-only: corrections are new transfers, never edits.
CREATE TRIGGER ledger_transfer_refuse_update BEFORE UPDATE ON ledger_transfer
BEGIN
    SELECT RAISE(ABORT, 'ledger transfers are append-only: UPDATE refused');
END;

CREATE TRIGGER ledger_transfer_refuse_delete BEFORE DELETE ON ledger_transfer
BEGIN
    SELECT RAISE(ABORT, 'ledger transfers are append-only: DELETE refused');
END;
