"""Lending errors, with stable codes, in English and Chinese."""

from puhui.core.errors import ErrorCode

PRODUCT_INVALID = ErrorCode("PRODUCT_INVALID", 400, "The product is not valid: {problem}.",
                            "产品设置无效：{problem}。")
PRODUCT_UNAVAILABLE = ErrorCode("PRODUCT_UNAVAILABLE", 400,
                                "Product {product} is not offered.", "产品 {product} 不可用。")
APPLICATION_OUTSIDE_PRODUCT = ErrorCode(
    "APPLICATION_OUTSIDE_PRODUCT", 400, "The application does not fit the product: {problem}.",
    "申请不符合产品条件：{problem}。")
NOT_YOUR_ENTERPRISE = ErrorCode("NOT_YOUR_ENTERPRISE", 403,
                                "You can apply only for an enterprise you represent.",
                                "您只能为自己代表的企业申请借款。")
APPLICATION_NOT_IN_STATE = ErrorCode(
    "APPLICATION_NOT_IN_STATE", 409, "This application is {status}; it cannot be {action} now.",
    "该申请当前状态为 {status}，现在不能{action}。")
LISTING_CLOSED = ErrorCode("LISTING_CLOSED", 409, "This listing no longer takes bids.",
                           "该借款项目已停止出借。")
LISTING_FULLY_FUNDED = ErrorCode("LISTING_FULLY_FUNDED", 409,
                                 "This listing is fully funded; no amount is left to lend.",
                                 "该借款项目已满标，没有剩余可出借金额。")
BID_EXCEEDS_REMAINING = ErrorCode(
    "BID_EXCEEDS_REMAINING", 409,
    "Only {remaining} is left to lend on this listing; bid that or less.",
    "该借款项目仅剩 {remaining} 可出借，请出借不超过该金额。")
BID_BELOW_MINIMUM = ErrorCode("BID_BELOW_MINIMUM", 400, "The minimum bid is {minimum}.",
                              "最低出借金额为 {minimum}。")
BID_NOT_A_MULTIPLE = ErrorCode("BID_NOT_A_MULTIPLE", 400,
                               "Bids go in multiples of {multiple}.",
                               "出借金额须为 {multiple} 的整数倍。")
BID_OVER_INVESTOR_CAP = ErrorCode(
    "BID_OVER_INVESTOR_CAP", 400,
    "One investor may lend at most {cap} to this listing; you have {already}.",
    "每位出借人对该项目最多出借 {cap}，您已出借 {already}。")
INSUFFICIENT_FUNDS = ErrorCode("INSUFFICIENT_FUNDS", 409,
                               "Your wallet's available balance is too low for this bid.",
                               "您钱包的可用余额不足以完成此次出借。")
NOT_SUITABLE = ErrorCode(
    "NOT_SUITABLE", 403,
    "This product is risk level R{risk}; your risk profile allows up to R{allowed}.",
    "该产品风险等级为 R{risk}，您的风险测评结果最高允许 R{allowed}。")
INVESTOR_NOT_ADMITTED = ErrorCode("INVESTOR_NOT_ADMITTED", 403,
                                  "Your identity and risk profile must be approved first.",
                                  "您的身份与风险测评须先通过审核。")
BID_NOT_CANCELLABLE = ErrorCode("BID_NOT_CANCELLABLE", 409,
                                "This bid can no longer be cancelled.", "该出借已不能撤销。")
NOT_YOUR_LOAN = ErrorCode("NOT_YOUR_LOAN", 403, "Only the borrower repays this loan.",
                          "只有借款人可以偿还该笔借款。")
LOAN_NOT_OPEN = ErrorCode("LOAN_NOT_OPEN", 409, "This loan is {status}; it takes no payment.",
                          "该借款状态为 {status}，不接受还款。")
OVERPAYMENT = ErrorCode(
    "OVERPAYMENT", 400,
    "At most {maximum} can be paid now; to repay everything early, choose prepayment "
    "({payoff}).",
    "当前最多可还 {maximum}；如需提前结清，请选择提前还款（{payoff}）。")
PREPAYMENT_AMOUNT = ErrorCode(
    "PREPAYMENT_AMOUNT", 400, "Repaying everything today takes exactly {payoff}.",
    "今天提前结清需要还款 {payoff}。")
NO_OPEN_COLLECTION = ErrorCode("NO_OPEN_COLLECTION", 409,
                               "This loan has no open collection case.",
                               "该借款没有进行中的催收案件。")
RECOVERY_TOO_LARGE = ErrorCode("RECOVERY_TOO_LARGE", 400,
                               "Only {outstanding} of principal is outstanding.",
                               "待收本金仅剩 {outstanding}。")
RECOVERY_NOT_IN_WALLET = ErrorCode(
    "RECOVERY_NOT_IN_WALLET", 409,
    "Deposit the recovered money into the borrower's wallet at the custodian first.",
    "请先将追回的资金存入借款人在存管银行的账户。")
PAY_DUE_FIRST = ErrorCode("PAY_DUE_FIRST", 409,
                          "Pay what is due ({due}) before prepaying part of the loan.",
                          "部分提前还款前，请先还清当前应还金额（{due}）。")
PARTIAL_PREPAYMENT_AMOUNT = ErrorCode(
    "PARTIAL_PREPAYMENT_AMOUNT", 400,
    "A partial prepayment repays between 0.01 and {maximum} of principal; to repay it all, "
    "choose full prepayment.",
    "部分提前还款的本金须在 0.01 至 {maximum} 之间；如需全部结清，请选择提前结清。")
PARTIAL_PREPAYMENT_METHOD = ErrorCode(
    "PARTIAL_PREPAYMENT_METHOD", 400,
    "A loan repaid in one payment at maturity cannot be prepaid in part.",
    "到期一次性还本付息的借款不能部分提前还款。")
