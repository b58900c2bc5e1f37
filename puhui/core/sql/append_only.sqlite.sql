-- {table} is append-only: corrections are new rows, never edits.
CREATE TRIGGER {table}_refuse_update BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused');
END;

CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: DELETE refused');
END;
