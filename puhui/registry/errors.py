"""Registry errors, with stable codes, in English and Chinese."""

from puhui.core.errors import ErrorCode

CONSENT_REQUIRED = ErrorCode(
    "CONSENT_REQUIRED", 403,
    "The subject has not given this member a valid consent for this purpose.",
    "信息主体未就该用途向本机构授予有效的查询授权。")
CONSENT_INVALID = ErrorCode("CONSENT_INVALID", 400, "The consent is not valid: {problem}.",
                            "授权无效：{problem}。")
PURPOSE_UNKNOWN = ErrorCode("PURPOSE_UNKNOWN", 400, "{purpose} is not a purpose of inquiry.",
                            "{purpose} 不是有效的查询用途。")
SUBJECT_KIND_UNKNOWN = ErrorCode("SUBJECT_KIND_UNKNOWN", 400,
                                 "{kind} is not a kind of subject; use enterprise or person.",
                                 "{kind} 不是信息主体类型；请使用 enterprise 或 person。")
AMOUNT_INVALID = ErrorCode("AMOUNT_INVALID", 400, "The amount must be positive.",
                           "金额必须为正数。")
OVER_CROSS_PLATFORM_CAP = ErrorCode(
    "OVER_CROSS_PLATFORM_CAP", 409,
    "This would take the borrower over the cap of {cap} CNY across all platforms: "
    "{exposure} CNY is outstanding or reserved, {headroom} CNY is left.",
    "这将使借款人在所有平台的借款余额超过 {cap} 元的上限：已有 {exposure} 元未偿或已预留，"
    "剩余额度 {headroom} 元。")
RESERVATION_DIFFERS = ErrorCode(
    "RESERVATION_DIFFERS", 409,
    "A reservation for {reference} already exists with a different amount.",
    "{reference} 已有金额不同的额度预留。")
RESERVATION_NOT_FOUND = ErrorCode("RESERVATION_NOT_FOUND", 404,
                                  "There is no reservation for {reference}.",
                                  "没有 {reference} 的额度预留。")
RESERVATION_RESOLVED = ErrorCode("RESERVATION_RESOLVED", 409,
                                 "The reservation for {reference} is already {status}.",
                                 "{reference} 的额度预留已处于 {status} 状态。")
TRADE_LINE_REJECTED = ErrorCode("TRADE_LINE_REJECTED", 400,
                                "The trade line was rejected: {reason}.",
                                "信贷记录被拒绝：{reason}。")
SUBJECT_NOT_NOTIFIED = ErrorCode(
    "SUBJECT_NOT_NOTIFIED", 400,
    "A negative record is reported only after the subject was notified; give the date.",
    "报送不良信息前必须先告知信息主体；请提供告知日期。")
DISPUTE_TARGET_INVALID = ErrorCode("DISPUTE_TARGET_INVALID", 400,
                                   "A dispute must name one of the subject's own records.",
                                   "异议必须针对信息主体本人的记录。")
DISPUTE_STATEMENT_REQUIRED = ErrorCode("DISPUTE_STATEMENT_REQUIRED", 400,
                                       "Say what is wrong: a statement is required.",
                                       "请说明错误之处：必须填写说明。")
DISPUTE_NOT_FOUND = ErrorCode("DISPUTE_NOT_FOUND", 404, "There is no dispute {dispute} for you.",
                              "没有需要您处理的异议 {dispute}。")
DISPUTE_ANSWERED = ErrorCode("DISPUTE_ANSWERED", 409, "Dispute {dispute} is already answered.",
                             "异议 {dispute} 已经答复。")
REQUEST_NOT_SIGNED = ErrorCode(
    "REQUEST_NOT_SIGNED", 401,
    "The request is not signed by a registry member, or was changed on the way.",
    "请求未经征信平台成员签名，或在传输中被篡改。")
REQUEST_REPLAYED = ErrorCode("REQUEST_REPLAYED", 401,
                             "This request was already received; a nonce is used once.",
                             "该请求已被接收过；随机数只能使用一次。")
REQUEST_STALE = ErrorCode("REQUEST_STALE", 401, "The request is too old; sign it again.",
                          "请求已过期；请重新签名。")
NEGATIVE_KIND_UNKNOWN = ErrorCode(
    "NEGATIVE_KIND_UNKNOWN", 400,
    "{kind} is not a negative record; use default, fake_information or fraud.",
    "{kind} 不是不良信息类型；请使用 default、fake_information 或 fraud。")
