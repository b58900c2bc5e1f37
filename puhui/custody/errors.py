"""Custody errors."""

from puhui.core.errors import ErrorCode

CUSTODIAN_UNAVAILABLE = ErrorCode(
    "CUSTODIAN_UNAVAILABLE", 503,
    "The custodian bank did not answer; nothing was moved. Try again shortly.",
    "存管银行暂时没有响应，资金未发生变动，请稍后再试。")
CUSTODIAN_REFUSED = ErrorCode("CUSTODIAN_REFUSED", 409,
                              "The custodian bank refused the instruction: {reason}.",
                              "存管银行拒绝了该指令：{reason}。")
WITHDRAWAL_EXCEEDS_AVAILABLE = ErrorCode(
    "WITHDRAWAL_EXCEEDS_AVAILABLE", 409,
    "You can withdraw at most your available balance of {available}.",
    "最多可提现您的可用余额 {available}。")
AMOUNT_NOT_POSITIVE = ErrorCode("AMOUNT_NOT_POSITIVE", 400, "The amount must be positive.",
                                "金额必须大于零。")
