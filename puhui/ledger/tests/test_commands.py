"""``puhui ledger verify`` / ``reconcile`` / ``expire`` and ``puhui demo`` as a user runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from puhui.ledger.models import Account, Transfer
from puhui.ledger.tests.factories import fund, wallet

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_is_idempotent_and_verifies():
    run("demo", "--ledger-only")
    accounts, transfers = Account.objects.count(), Transfer.objects.count()
    output = run("demo", "--ledger-only")
    assert "demo-operator" in output
    assert (Account.objects.count(), Transfer.objects.count()) == (accounts, transfers)
    assert "ledger verify: OK" in run("ledger", "verify")


def test_verify_fails_and_names_the_account_on_a_mismatch():
    alice = wallet()
    fund(alice, 100)
    Account.objects.filter(id=alice.id).update(credits_posted=150)
    with pytest.raises(CommandError, match="ledger verify failed"):
        run("ledger", "verify")


def test_reconcile_reports_every_difference(tmp_path):
    alice, bob, carol = wallet(), wallet(), wallet()
    fund(alice, 10_000)
    fund(bob, 2_500)
    statement = tmp_path / "custodian.csv"
    statement.write_text(
        f"account,balance\n{alice.id},100.00\n{bob.id},25.01\n999999999,1.00\n"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="difference"):
        call_command("ledger", "reconcile", str(statement), "--only-listed", stdout=out)
    report = out.getvalue()
    assert f"balance_differs account {bob.id}: ledger 25.00 statement 25.01 difference 0.01" in (
        report)
    assert "missing_in_ledger account 999999999" in report
    assert f"account {alice.id}:" not in report
    assert f"account {carol.id}" not in report  # --only-listed


def test_reconcile_agreeing_statement_passes(tmp_path):
    alice = wallet()
    fund(alice, 10_000)
    statement = tmp_path / "ok.csv"
    statement.write_text(f"{alice.id},100.00\n")
    assert "1 accounts agree" in run("ledger", "reconcile", str(statement), "--only-listed")


@pytest.mark.parametrize(
    ("content", "problem"),
    [("1,2,3\n", "two columns"), ("x,1.00\n", "not an account number"),
     ("1,1.00\n1,2.00\n", "appears twice")],
)
def test_reconcile_refuses_a_broken_statement_with_its_line(tmp_path, content, problem):
    statement = tmp_path / "bad.csv"
    statement.write_text(content)
    with pytest.raises(CommandError, match=problem):
        run("ledger", "reconcile", str(statement))


def test_expire_command_reports_what_it_released():
    assert "expired 0 pending transfers" in run("ledger", "expire")
