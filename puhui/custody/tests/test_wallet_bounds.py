"""Money moves in and out of a wallet only once its owner is admitted, and within the
rulebook's limits per transaction and per day (cn-2016 [custody]: deposits ¥50,000 single and
¥200,000 a day; withdrawals ¥500,000 single and ¥1,000,000 a day). Refusals move nothing,
neither at the bank nor on the ledger."""

import uuid

import pytest

from puhui.core.errors import PuhuiError
from puhui.custody.services import wallet_deposit, wallet_withdraw
from puhui.custody.tests.test_custody import admitted_investor, bank, bank_url  # noqa: F401
from puhui.ledger.models import Transfer
from puhui.lending.services import wallet_for
from puhui.parties.tests.factories import investor_new

pytestmark = pytest.mark.django_db
YUAN = 100


def refused(code: str, move, wallet, amount_fen: int, bank) -> PuhuiError:  # noqa: F811
    before = Transfer.objects.count()
    with pytest.raises(PuhuiError) as caught:
        move(account=wallet, amount_fen=amount_fen, instruction_id=uuid.uuid4(), bank=bank)
    assert caught.value.code == code
    assert Transfer.objects.count() == before
    wallet.refresh_from_db()
    return caught.value


def test_an_investor_not_yet_admitted_cannot_deposit(bank):  # noqa: F811
    profile = investor_new()  # KYC sent, review still open
    wallet = wallet_for(owner=profile.user.ledger_owner, kind="investor_wallet")
    refused("WALLET_OWNER_NOT_ADMITTED", wallet_deposit, wallet, 100 * YUAN, bank)
    assert wallet.credits_posted == 0


def test_deposits_stop_at_the_single_and_the_daily_limit(bank):  # noqa: F811
    wallet = wallet_for(owner=admitted_investor().ledger_owner, kind="investor_wallet")
    error = refused("DEPOSIT_ABOVE_SINGLE_LIMIT", wallet_deposit, wallet,
                    99_999_999_999 * YUAN, bank)
    assert "50,000.00 CNY" in str(error)
    refused("DEPOSIT_ABOVE_SINGLE_LIMIT", wallet_deposit, wallet, 50_000 * YUAN + 1, bank)
    for _ in range(3):  # 150,000.00 of the day's 200,000.00
        wallet_deposit(account=wallet, amount_fen=50_000 * YUAN, instruction_id=uuid.uuid4(),
                       bank=bank)
    wallet_deposit(account=wallet, amount_fen=49_000 * YUAN, instruction_id=uuid.uuid4(),
                   bank=bank)  # 1,000.00 left today
    error = refused("DEPOSIT_ABOVE_DAILY_LIMIT", wallet_deposit, wallet, 1_000 * YUAN + 1, bank)
    assert "1,000.00 CNY can still be deposited" in str(error)
    wallet_deposit(account=wallet, amount_fen=1_000 * YUAN, instruction_id=uuid.uuid4(),
                   bank=bank)
    assert wallet.balance_posted == 199_000 * YUAN  # refreshed by refused()
    wallet.refresh_from_db()
    assert wallet.balance_posted == 200_000 * YUAN


def test_withdrawals_stop_at_the_single_limit(bank):  # noqa: F811
    wallet = wallet_for(owner=admitted_investor().ledger_owner, kind="investor_wallet")
    wallet_deposit(account=wallet, amount_fen=100 * YUAN, instruction_id=uuid.uuid4(),
                   bank=bank)
    error = refused("WITHDRAWAL_ABOVE_SINGLE_LIMIT", wallet_withdraw, wallet,
                    500_000 * YUAN + 1, bank)
    assert "500,000.00 CNY" in str(error)
    assert wallet.balance_posted == 100 * YUAN
